#!/usr/bin/python3
"""Makes one seed input of the fuzz target from a log directory: DIR/run.json
(if any) followed by DIR/rank-0.log, rank-1.log, ... (the layout
fuzz_analyze.cpp splits again). Keep seeds small: 2 ranks, short samples.

usage: make_seed.py LOGDIR OUT
  e.g. build/bin/rmacheck run -n 2 --out /tmp/s -- build/samples/fence_put
       tests/fuzz/make_seed.py /tmp/s tests/fuzz/corpus/fence_put
"""
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    d, out = sys.argv[1], sys.argv[2]
    data = b""
    if os.path.isfile(os.path.join(d, "run.json")):
        data += open(os.path.join(d, "run.json"), "rb").read()
    r = 0
    while os.path.isfile(os.path.join(d, f"rank-{r}.log")):
        data += open(os.path.join(d, f"rank-{r}.log"), "rb").read()
        r += 1
    if r == 0:
        sys.exit(f"{d}: no rank-0.log")
    with open(out, "wb") as f:
        f.write(data)
    print(f"{out}: {r} logs, {len(data)} bytes")


if __name__ == "__main__":
    main()
