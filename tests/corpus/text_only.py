#!/usr/bin/env python3
"""Failed recipients from the text alone, measured on real returns.

Older and smaller MTAs send plain-text notices without a delivery-status part; the
parser must find their failed recipients from the lines a format uses to list them.
The development corpus holds few such notices, but most of its RFC 3464 reports carry
the same human-readable text beside their machine-readable part. So each corpus
report that names its failed recipients in a message/delivery-status part is parsed
again with that part removed (and multipart/report made multipart/mixed), and the
recipients found from the text alone must equal those the status part named, in at
least 95 % of the reports. The copies live in a temporary directory; the corpus is
read in place.

Where the two disagree the text and the status part often name different addresses
(an alias and its expansion, the original's sender forwarded to itself); those
messages are listed, not excused: the figure counts them as misses.

usage: text_only.py BOUNCER CORPUS_DIR
"""
import email
import email.policy
import json
import pathlib
import subprocess
import sys
import tempfile

TARGET = 95.0
# The text alone often says less than the status part (a bare "delivery failed"
# beside Status: 5.1.1), and then the verdict is rightly "not dead"; a floor below the
# figure at the time guards the words the text does carry.
DEAD_FLOOR = 88.0
STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")


def without_status_part(raw):
    """The message with its delivery-status parts removed, or None if it has none."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:  # a message the library cannot read is not measured
        return None
    if not message.is_multipart() or not isinstance(message.get_payload(), list):
        return None
    parts = message.get_payload()
    kept = [p for p in parts if p.get_content_type() not in STATUS_TYPES]
    if len(kept) == len(parts) or not kept:
        return None
    message.set_payload(kept)
    if message.get_content_type() == "multipart/report":
        boundary = message.get_boundary()
        del message["Content-Type"]
        message["Content-Type"] = f'multipart/mixed; boundary="{boundary}"'
    try:
        return message.as_bytes()
    except Exception:
        return None


def failed(result):
    """The addresses a --parse line names as failed (delays are not failures)."""
    return sorted({r["address"].lower() for r in result.get("recipients", [])
                   if r.get("action") != "delayed" and r.get("address")})


def parse(bouncer, paths):
    out = subprocess.run([bouncer, "--parse", *map(str, paths)], capture_output=True, text=True, check=False)
    if out.returncode not in (0, 65):
        sys.exit(f"text_only: {bouncer} --parse exited {out.returncode}: {out.stderr[:500]}")
    results = {}
    for line in out.stdout.splitlines():
        parsed = json.loads(line)
        results[parsed["file"]] = parsed
    return results


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    bouncer, corpus = sys.argv[1], pathlib.Path(sys.argv[2]) / "messages"
    files = sorted(corpus.rglob("*.eml"))
    if not files:
        sys.exit(f"text_only: no messages under {corpus}")
    with tempfile.TemporaryDirectory(prefix="verpmail-text-only-") as tmp:
        pairs = []
        for n, path in enumerate(files):
            stripped = without_status_part(path.read_bytes())
            if stripped is None:
                continue
            copy = pathlib.Path(tmp) / f"{n:04d}.eml"
            copy.write_bytes(stripped)
            pairs.append((path, copy))
        whole = parse(bouncer, [p for p, _ in pairs])
        text = parse(bouncer, [c for _, c in pairs])
        measured, same, misses = 0, 0, []
        judged, dead_same, flips = 0, 0, []
        for path, copy in pairs:
            full = whole[str(path)]
            named = failed(full)
            if full.get("kind") != "bounce" or not named:
                continue
            measured += 1
            alone = text[str(copy)]
            if alone.get("recipients"):
                judged += 1
                whole_dead = full["recipients"][0]["class"] == "hard"
                text_dead = alone["recipients"][0]["class"] == "hard"
                dead_same += whole_dead == text_dead
                if text_dead and not whole_dead:
                    flips.append(path.relative_to(corpus))
            found = failed(alone)
            if found == named:
                same += 1
            else:
                misses.append((path.relative_to(corpus), named, found))
    if measured < 100:
        sys.exit(f"text_only: only {measured} reports with a status part were measured; is the corpus complete?")
    share = 100.0 * same / measured
    print(f"failed recipients from the text alone: {same} / {measured} = {share:.2f} % (target >= {TARGET:.0f} %)")
    for path, named, found in misses:
        print(f"  miss {path}: status part {named[:3]}, text {found[:3]}")
    dead_share = 100.0 * dead_same / judged
    print(f"dead or not from the text alone, as from the whole report: {dead_same} / {judged} = {dead_share:.2f} %"
          f" (floor {DEAD_FLOOR:.0f} %)")
    for path in flips:
        print(f"  dead from the text alone only: {path}")
    if share < TARGET:
        sys.exit(f"text_only: {share:.2f} % is below {TARGET:.0f} %")
    if dead_share < DEAD_FLOOR:
        sys.exit(f"text_only: {dead_share:.2f} % is below the floor of {DEAD_FLOOR:.0f} %")


if __name__ == "__main__":
    main()
