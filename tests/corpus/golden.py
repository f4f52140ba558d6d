#!/usr/bin/env python3
"""golden.py: the parser's output over the corpus against stored digests.

  golden.py BOUNCER CORPUS GOLDEN            check (the ctest "corpus_golden")
  golden.py --write BOUNCER CORPUS GOLDEN    rewrite GOLDEN (scripts/update-golden)

Runs "BOUNCER --parse FILE..." in CORPUS/messages over every file there (relative
paths, sorted bytewise, so the "file" field is the same on every machine) and
compares the SHA-256 of each output line with GOLDEN ("<sha256>  <file>" per line).
A missing corpus is a failure, not a skip: the test exists to say the output did
not change, and without the corpus it cannot say so.
"""
import hashlib
import os
import subprocess
import sys

SHOWN = 5  # differences printed in full


def main(argv):
    write = argv[:1] == ["--write"]
    if write:
        argv = argv[1:]
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    bouncer, corpus, golden = argv
    messages = os.path.join(corpus, "messages")
    if not os.path.isdir(messages):
        print(f"golden: FAIL: no corpus at {messages} (the test needs ../shared/bounce-corpus)")
        return 1
    files = sorted(
        (os.path.relpath(os.path.join(d, f), messages) for d, _, fs in os.walk(messages) for f in fs),
        key=lambda p: p.encode())
    if not files:
        print(f"golden: FAIL: {messages} holds no files")
        return 1
    run = subprocess.run([bouncer, "--parse", *files], cwd=messages, stdout=subprocess.PIPE)
    lines = run.stdout.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if run.returncode != 0 or len(lines) != len(files):
        print(f"golden: FAIL: {bouncer} --parse exited {run.returncode} with {len(lines)} lines for {len(files)} files")
        return 1
    rows = [(hashlib.sha256(line).hexdigest(), f, line) for f, line in zip(files, lines)]
    if write:
        with open(golden, "w") as out:
            out.writelines(f"{h}  {f}\n" for h, f, _ in rows)
        print(f"golden: wrote {len(rows)} digests to {golden}")
        return 0
    want = {}
    with open(golden) as stored:
        for entry in stored:
            digest, _, name = entry.rstrip("\n").partition("  ")
            want[name] = digest
    bad = [(f, line) for h, f, line in rows if want.get(f) != h]
    missing = sorted(set(want) - set(files))
    for f, line in bad[:SHOWN]:
        print(f"golden: DIFF {f}: {line.decode('utf-8', 'replace')}")
    for f in missing[:SHOWN]:
        print(f"golden: MISSING {f} (in {golden}, not in the corpus)")
    print(f"golden: {len(rows) - len(bad)} files identical, {len(bad)} differ, {len(missing)} missing")
    if bad or missing:
        print("golden: if the change of output is intended, run scripts/update-golden and commit the digests")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
