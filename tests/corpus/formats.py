#!/usr/bin/env python3
"""formats: plain-text notices in the shapes of older and smaller MTAs (qmail, Exim,
Sendmail, Postfix before DSNs, Microsoft, Lotus Domino, Netscape, Yahoo, Courier, MDaemon,
IMail, appliances), written for this test from each format's known layout, each with
decoys: the original's To:, Cc: and a Received: "for <...>" clause, helpdesk addresses in
prose; and a few MIME-structured returns (a report wrapped in an appliance's notice,
a useless status part beside X-Failed-Recipients). Every failed recipient must be found exactly, with its class and, where the
expectation names one, its reason (expected.tsv: file, then "address class [reason]"
per recipient, separated by ";"; or "kind:KIND" for a return that is no bounce:
a complaint, an auto-reply, a human reply whose subject mentions a complaint).

    formats.py BOUNCER DIR
"""
import json
import pathlib
import subprocess
import sys


def expectations(path):
    rows = {}
    for line in path.read_text().splitlines():
        name, _, want = line.partition("\t")
        rows[name] = [item.split() for item in want.split(";")]
    return rows


def main(bouncer, directory):
    directory = pathlib.Path(directory)
    rows = expectations(directory / "expected.tsv")
    files = sorted(p.name for p in directory.glob("*.eml"))
    if sorted(rows) != files:
        sys.exit(f"formats: expected.tsv and the .eml files differ: {sorted(set(rows) ^ set(files))}")
    out = subprocess.run([str(pathlib.Path(bouncer).resolve()), "--parse", *files], cwd=directory, capture_output=True, text=True, check=True)
    exact = 0
    for line in out.stdout.splitlines():
        parsed = json.loads(line)
        got = [[r["address"], r["class"], r["reason"]] for r in parsed["recipients"]]
        want = rows[parsed["file"]]
        if want[0][0].startswith("kind:"):
            got, want = parsed["kind"], want[0][0][5:]
            matches = got == want
        else:
            matches = len(got) == len(want) and all(g[: len(w)] == w for g, w in zip(got, want))
        if matches:
            exact += 1
        else:
            print(f"not ok - {parsed['file']}: got {got}, want {want}")
    print(f"returns in known layouts: {exact} / {len(files)} exact (failed recipients, class, reason; or kind)")
    return 0 if exact == len(files) else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
