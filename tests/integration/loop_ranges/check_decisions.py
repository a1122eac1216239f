#!/usr/bin/env python3
"""The loop plugin's decisions (interpose/gcc_plugin/loop_ranges.cpp) on cases.c.

    check_decisions.py RMACHECK CASES_C

Compiles CASES_C with `RMACHECK mpicc -O2`, then `-Os`, and the plugin's -verbose argument and
compares the notes per line with the file's `// expect:` comments (cases.c says the codes): a missing note, an
extra one or a line with notes but no comment fails. Then runs samples/local_loop_bug.c and
local_loop_fixed.c built at -Os and -O3 against their expected findings, and checks that
`rmacheck mpicc` loads the plugin (RMACHECK_VERBOSE shows the command) and that
RMACHECK_LOOP_RANGES=0 leaves it out.
"""
import os
import re
import subprocess
import sys
import tempfile

CODES = {
    "one read range for the loop": "R",
    "one write range for the loop": "W",
    "per element: the loop has more than one exit": "exits",
    "per element: the trip count is not known at the loop's entry": "tripcount",
    "per element: the loop calls a function, synchronizes or may throw": "calls",
    "per element: the addresses are not one range": "holes",
    "per element: not run on every iteration": "every",
}
NOTE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):\d+: note: rmacheck: (?P<text>.*)$")


def expected_notes(path):
    """{line: set of codes}, the same at every optimization level."""
    expected = {}
    with open(path, encoding="utf-8") as f:
        for lineno, text in enumerate(f, 1):
            m = re.search(r"// expect: (.*)$", text)
            if m and not text.lstrip().startswith("//"):
                expected[lineno] = set(m.group(1).split())
    return expected


def compile_cases(rmacheck, src, extra_env, extra_args, level="-O2"):
    with tempfile.TemporaryDirectory(prefix="rmacheck-loops-") as tmp:
        env = dict(os.environ, **extra_env)
        proc = subprocess.run([rmacheck, "mpicc", level, "-g", "-c", src, "-o", os.path.join(tmp, "cases.o")]
                              + extra_args, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        sys.exit(f"FAIL: rmacheck mpicc failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stderr


def main():
    rmacheck, src = sys.argv[1], os.path.abspath(sys.argv[2])
    failures = []
    # -O2: loops as GCC rotates them (the exit test at the bottom); -Os: not rotated (the test first,
    # the body runs one time less than the test).
    for level in ("-O2", "-Os"):
        stderr = compile_cases(rmacheck, src, {}, ["-fplugin-arg-rmacheck_loop_ranges-verbose"], level)
        got = {}
        for line in stderr.splitlines():
            m = NOTE.match(line)
            if not m:
                continue
            code = CODES.get(m.group("text"))
            if code is None:
                failures.append(f"{level}: unknown note: {line}")
                continue
            got.setdefault(int(m.group("line")), set()).add(code)
        expected = expected_notes(src)
        for lineno in sorted(set(got) | set(expected)):
            want, have = expected.get(lineno, set()), got.get(lineno, set())
            if want != have:
                failures.append(f"{level}: line {lineno}: expected {' '.join(sorted(want)) or 'no note'}, "
                                f"got {' '.join(sorted(have)) or 'no note'}")
        print(f"{level}: {len(expected)} lines with expectations, {len(got)} lines with notes")

    # The ranges at run time at the other levels (sample.local_loop_* runs them at -O2): the samples'
    # expected findings, missing and extra both failing (check_sample.py), with -Os's ranges of loops
    # that were not rotated and -O3's.
    samples = os.path.join(os.path.dirname(src), "..", "..", "..", "samples")
    check_sample = os.path.join(os.path.dirname(src), "..", "check_sample.py")
    # Without RMACHECK_SAMPLE_LOGS: these binaries are gone after the test, so their logs must not be
    # kept for the sanitizer pass's re-runs (scripts/test-sanitize.sh).
    run_env = {k: v for k, v in os.environ.items() if k != "RMACHECK_SAMPLE_LOGS"}
    for level in ("-Os", "-O3"):
        with tempfile.TemporaryDirectory(prefix="rmacheck-loops-run-") as tmp:
            for name in ("local_loop_bug", "local_loop_fixed"):
                sample = os.path.abspath(os.path.join(samples, name + ".c"))
                build = subprocess.run([rmacheck, "mpicc", level, "-g", sample, "-o", os.path.join(tmp, name)],
                                       capture_output=True, text=True, timeout=300)
                if build.returncode != 0:
                    failures.append(f"{level}: cannot build {name}: {build.stderr.strip()}")
                    continue
                run = subprocess.run(["/usr/bin/python3", check_sample, "--rmacheck", rmacheck, "--sample-bin", tmp,
                                      sample], capture_output=True, text=True, timeout=600, env=run_env)
                print(f"{level}: {run.stdout.strip().splitlines()[-1] if run.stdout.strip() else '(no output)'}")
                if run.returncode != 0:
                    failures.append(f"{level}: {name}: {run.stdout}{run.stderr}")

    verbose = compile_cases(rmacheck, src, {"RMACHECK_VERBOSE": "1"}, [])
    if "-fplugin=" not in verbose:
        failures.append("rmacheck mpicc did not load the loop plugin (no -fplugin in its command)")
    off = compile_cases(rmacheck, src, {"RMACHECK_VERBOSE": "1", "RMACHECK_LOOP_RANGES": "0"}, [])
    if "-fplugin=" in off:
        failures.append("RMACHECK_LOOP_RANGES=0 still loads the loop plugin")

    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
