#!/usr/bin/python3
"""Run `rmacheck lint` on one sample and compare its findings with the
sample's static expectations, written next to the code like the dynamic ones:

    rmacheck-lint-expect: none
    rmacheck-lint-expect: KIND [at=NAME1,NAME2,...]      (one line per finding)

NAMEs are the sample's `@NAME` line markers (check_sample.py). A finding of
the JSON report is reduced to (kind, sorted distinct lines of its sides); the
multiset must equal the expected one (missing and extra both fail), a sample
without a lint line fails, every finding must carry "static": true and a
confidence, and the exit status must be 1 exactly when an error is expected.

With --corpus (the correct programs of tests/corpus/), a file without
lint expectations passes when lint reports no error on it (warnings are
printed, not failed); a file with them is compared as above.

usage: check_lint.py [--corpus] --rmacheck PATH/TO/rmacheck SAMPLE_SOURCE
Standard library only; runs under /usr/bin/python3.
"""
import argparse
import os
import re
import subprocess
import sys

from check_sample import MARKER, SampleError, fmt, match, reduce_finding, ERROR_KINDS, KIND_SEVERITY, Finding
from rmacheck_report import find_report

LINT = re.compile(r"^\s*(?://|#)\s*rmacheck-lint-expect:\s*(.*?)\s*$")
HEADER = re.compile(r"^\s*(?://|#|!)\s*rmacheck-(sample|expect|lint-expect)(?:\[\w+\])?:")


def parse_lint_header(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    markers = {}
    for lineno, text in enumerate(lines, 1):
        if HEADER.match(text):
            continue
        for name in MARKER.findall(text):
            if name in markers:
                raise SampleError(f"line {lineno}: marker @{name} is also on line {markers[name]}")
            markers[name] = lineno
    expected, said, said_none = [], False, False
    for lineno, text in enumerate(lines, 1):
        m = LINT.match(text)
        if not m:
            continue
        said = True
        rest = m.group(1)
        if rest == "none":
            said_none = True
            continue
        words = rest.split()
        kind, at = words[0], ()
        if kind not in KIND_SEVERITY:
            raise SampleError(f"line {lineno}: unknown finding kind '{kind}'")
        for word in words[1:]:
            name, _, value = word.partition("=")
            if name != "at":
                raise SampleError(f"line {lineno}: unknown field '{word}'")
            names = [v.lstrip("@") for v in value.split(",") if v]
            unknown = [v for v in names if v not in markers]
            if unknown:
                raise SampleError(f"line {lineno}: no line carries the marker(s) " + ", ".join("@" + v for v in unknown))
            at = tuple(sorted({markers[v] for v in names}))
        expected.append(Finding(kind, at, None))
    if not said:
        return None
    if said_none and expected:
        raise SampleError("'rmacheck-lint-expect: none' together with expected findings")
    return expected


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rmacheck", required=True)
    ap.add_argument("--corpus", action="store_true", help="a correct program: without expectations, no error")
    ap.add_argument("sample")
    opts = ap.parse_args()
    source = os.path.abspath(opts.sample)
    name = os.path.basename(source)

    def fail(*reasons):
        for r in reasons:
            print(f"FAIL {name}: {r}")
        sys.exit(1)

    try:
        expected = parse_lint_header(source)
    except (OSError, SampleError) as e:
        fail(f"cannot use the sample header: {e}")
    if expected is None and not opts.corpus:
        fail("cannot use the sample header: no 'rmacheck-lint-expect:' line "
             "(write 'rmacheck-lint-expect: none' if lint finds nothing)")
    cmd = [opts.rmacheck, "lint", "--format", "json", source]
    print("running:", " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    report = find_report(proc.stdout)
    if proc.returncode == 2 or report is None:
        print(proc.stdout, proc.stderr, sep="\n")
        fail(f"rmacheck lint failed (exit status {proc.returncode})")
    errors = report.get("lint", {}).get("errors", [])
    reasons = [f"parse error: {e}" for e in errors]
    findings = report.get("findings", [])
    for f in findings:
        if f.get("static") is not True or f.get("confidence") not in ("high", "medium", "low"):
            reasons.append(f"finding without \"static\": true and a confidence: {f.get('kind')}")
    actual = [Finding(r.kind, r.lines, None) for r in map(reduce_finding, findings)]
    if expected is None:  # --corpus without expectations: a correct program, no error allowed
        expected = [f for f in actual if f.kind not in ERROR_KINDS]
    missing, extra = match(expected, actual)
    if missing or extra:
        reasons.append(f"findings differ: {len(missing)} missing, {len(extra)} extra")
        print("expected:", fmt(expected), "reported:", fmt(actual), "missing:", fmt(missing), "extra:", fmt(extra),
              sep="\n")
    want = 1 if any(f.kind in ERROR_KINDS for f in expected) else 0
    if proc.returncode != want:
        reasons.append(f"rmacheck lint exited with {proc.returncode}, expected {want}")
    if reasons:
        subprocess.run([opts.rmacheck, "lint", source])
        fail(*reasons)
    print(f"PASS {name}: {len(actual)} static finding(s) as expected")


if __name__ == "__main__":
    main()
