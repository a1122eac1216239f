#!/usr/bin/python3
"""Integration tests of `rmacheck lint` as a command:

  compile-db  a small CMake project configured here with
              CMAKE_EXPORT_COMPILE_COMMANDS=ON: `lint -p BUILD` takes each
              source's flags (include dirs, defines) from compile_commands.json,
              `-p BUILD FILE` checks only that file, `-- FLAGS` add to them;
              without -p the same file does not compile (exit 2)
  install     `cmake --install BUILD --prefix P`, then P/bin/rmacheck lint on a
              C sample and an mpi4py sample (the Python helper is the one in
              P/share/rmacheck: without it the .py fails); P/bin/rmacheck mpicc
              links a program against the access runtime installed in P/lib
  formats     --format text|json|sarif, on stdout and with -o FILE
  exit        1 with errors, 0 clean or warnings only, 2 (one line on stderr
              naming the file) for a missing file, a C file that does not
              compile, a Python syntax error

usage: lint_cases.py --rmacheck BIN --samples DIR --build DIR CASE
Exit status: 0 pass, 1 fail (one `FAIL <case>: <reason>` line per reason).
Standard library only; runs under /usr/bin/python3.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from check_lint import parse_lint_header
from check_sample import fmt, match, reduce_finding, Finding
from rmacheck_report import find_report

FAILURES = []


def check(cond, reason):
    if not cond:
        FAILURES.append(reason)
    return cond


def run(cmd, cwd=None, timeout=120):
    print("running:", " ".join(cmd), f"(in {cwd})" if cwd else "")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)


def reduced(report):
    return [Finding(r.kind, r.lines, None) for r in map(reduce_finding, report.get("findings", []))]


def same_findings(what, expected, report):
    actual = reduced(report)
    missing, extra = match(expected, actual)
    return check(not missing and not extra,
                 f"{what}: findings differ: expected {fmt(expected)} reported {fmt(actual)}")


def one_line_error(what, proc, name):
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    check(proc.returncode == 2, f"{what}: exit status {proc.returncode}, expected 2")
    check(len(lines) == 1 and name in lines[0] and lines[0].startswith("rmacheck: "),
          f"{what}: expected one error line on stderr naming {name}, got {lines!r}")


# ---- compile-db ----

PROJECT = {
    "CMakeLists.txt": """cmake_minimum_required(VERSION 3.16)
project(lintdemo C)
find_package(MPI REQUIRED COMPONENTS C)
add_executable(app src/main.c src/exchange.c)
target_include_directories(app PRIVATE include)
target_compile_definitions(app PRIVATE HALO_LEAK=1)
# gcc's warnings as errors, and a dependency file: lint must neither fail on them nor write it
target_compile_options(app PRIVATE -Wall -Werror -Wno-stringop-overflow -MD -MF ${CMAKE_BINARY_DIR}/lint-must-not-write.d)
target_link_libraries(app PRIVATE MPI::MPI_C)
""",
    "include/exchange.h": """#pragma once
#include <mpi.h>
#define HALO_TAG 7
double exchange(MPI_Comm comm, double *buf, int n, int right, int left);
""",
    "src/exchange.c": """#include "exchange.h"

// With HALO_LEAK defined (by the build) the persistent receive is never freed.
double exchange(MPI_Comm comm, double *buf, int n, int right, int left)
{
    MPI_Request r[2];
    MPI_Send_init(buf, n, MPI_DOUBLE, right, HALO_TAG, comm, &r[0]);
    MPI_Recv_init(buf + n, n, MPI_DOUBLE, left, HALO_TAG, comm, &r[1]);  // @recv_init
    MPI_Startall(2, r);
    MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
    MPI_Request_free(&r[0]);
#ifndef HALO_LEAK
    MPI_Request_free(&r[1]);
#endif
    return buf[n];
}
""",
    "src/main.c": """#include <stdio.h>
#include "exchange.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    double buf[2] = {rank, -1};
    double got = exchange(MPI_COMM_WORLD, buf, 1, (rank + 1) % size, (rank + size - 1) % size);
    printf("%d got %g\\n", rank, got);
    MPI_Finalize();
    return 0;
}
""",
}


def case_compile_db(opts, tmp):
    src = os.path.join(tmp, "lintdemo")
    for name, text in PROJECT.items():
        path = os.path.join(src, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    proc = run(["cmake", "-S", src, "-B", os.path.join(tmp, "build"), "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                "-DCMAKE_C_COMPILER=mpicc.openmpi"], timeout=300)
    if not check(proc.returncode == 0 and os.path.exists(os.path.join(tmp, "build", "compile_commands.json")),
                 f"cmake configure failed: {proc.stdout[-2000:]} {proc.stderr[-2000:]}"):
        return
    exchange = os.path.join(src, "src", "exchange.c")
    main_c = os.path.join(src, "src", "main.c")
    recv_line = PROJECT["src/exchange.c"].split("\n").index(
        next(l for l in PROJECT["src/exchange.c"].split("\n") if "@recv_init" in l)) + 1

    # The whole build, from another directory, with a relative -p.
    proc = run([opts.rmacheck, "lint", "--format", "json", "-p", "build"], cwd=tmp)
    report = find_report(proc.stdout)
    if check(report is not None, f"-p build: no JSON report (exit {proc.returncode}, stderr {proc.stderr!r})"):
        check(proc.returncode == 1, f"-p build: exit status {proc.returncode}, expected 1")
        check(sorted(report["lint"]["files"]) == sorted([exchange, main_c]),
              f"-p build: files {report['lint']['files']}")
        check(report["lint"]["errors"] == [], f"-p build: parse errors {report['lint']['errors']}")
        found = [(f["kind"], f["accesses"][0]["location"]["file"], f["accesses"][0]["location"]["line"])
                 for f in report["findings"]]
        check(found == [("request-leak", exchange, recv_line)],
              f"-p build: expected the leak of r[1] at exchange.c:{recv_line} (HALO_LEAK from the build), got {found}")

    check(not os.path.exists(os.path.join(tmp, "build", "lint-must-not-write.d")),
          "-p build: parsing wrote the build's dependency file")

    # Only the file named, with the build's flags.
    proc = run([opts.rmacheck, "lint", "--format", "json", "-p", os.path.join(tmp, "build"), main_c])
    report = find_report(proc.stdout)
    if check(report is not None, f"-p BUILD main.c: no report (stderr {proc.stderr!r})"):
        check(report["lint"]["files"] == [main_c], f"-p BUILD main.c: files {report['lint']['files']}")
        check(proc.returncode == 0 and report["findings"] == [], f"-p BUILD main.c: exit {proc.returncode}, "
              f"findings {[f['kind'] for f in report['findings']]}")

    # Flags after -- come after the build's: -UHALO_LEAK puts the free back.
    proc = run([opts.rmacheck, "lint", "--format", "json", "-p", os.path.join(tmp, "build"), exchange, "--",
                "-UHALO_LEAK"])
    report = find_report(proc.stdout)
    if check(report is not None, f"-p BUILD exchange.c -- -UHALO_LEAK: no report (stderr {proc.stderr!r})"):
        check(proc.returncode == 0 and report["findings"] == [],
              f"-- -UHALO_LEAK: exit {proc.returncode}, findings {[f['kind'] for f in report['findings']]}")

    # Without the build's flags the header is not found: the file does not compile.
    proc = run([opts.rmacheck, "lint", exchange])
    one_line_error("exchange.c without -p", proc, exchange)

    # A file the build does not compile, and a build directory without a database.
    elsewhere = os.path.join(tmp, "elsewhere.c")
    with open(elsewhere, "w", encoding="utf-8") as f:
        f.write("int main(void) { return 0; }\n")
    one_line_error("-p BUILD elsewhere.c", run([opts.rmacheck, "lint", "-p", os.path.join(tmp, "build"), elsewhere]),
                   "compile_commands.json")
    one_line_error("-p without a database", run([opts.rmacheck, "lint", "-p", src]), src)
    broken = os.path.join(tmp, "broken-build")
    os.makedirs(broken)
    with open(os.path.join(broken, "compile_commands.json"), "w", encoding="utf-8") as f:
        f.write("{ not json")
    one_line_error("-p with a malformed database", run([opts.rmacheck, "lint", "-p", broken]), broken)


# ---- install ----

def case_install(opts, tmp):
    prefix = os.path.join(tmp, "prefix")
    proc = run(["cmake", "--install", opts.build, "--prefix", prefix], timeout=300)
    if not check(proc.returncode == 0, f"cmake --install failed: {proc.stdout[-2000:]} {proc.stderr[-2000:]}"):
        return
    tool = os.path.join(prefix, "bin", "rmacheck")
    helper = os.path.join(prefix, "share", "rmacheck", "mpi4py_lint.py")
    check(os.access(tool, os.X_OK), f"{tool} is not installed")
    check(os.path.exists(helper), f"{helper} is not installed")
    for name in ("request_leak_persistent_bug.c", "persistent_ring_leak.py", "request_leak_persistent_fixed.c"):
        sample = os.path.join(opts.samples, name)
        expected = parse_lint_header(sample)
        proc = run([tool, "lint", "--format", "json", sample], cwd=tmp)
        report = find_report(proc.stdout)
        if not check(report is not None, f"installed lint {name}: no report (exit {proc.returncode}, "
                     f"stderr {proc.stderr!r})"):
            continue
        same_findings(f"installed lint {name}", expected, report)
        check(proc.returncode == (1 if expected else 0), f"installed lint {name}: exit status {proc.returncode}")
    # The installed rmacheck mpicc links the runtime installed next to it (no MPI job: compile and link only).
    prog = os.path.join(tmp, "installed_mpicc")
    proc = run([tool, "mpicc", "-g", os.path.join(opts.samples, "local_target_fence_bug.c"), "-o", prog], cwd=tmp)
    if check(proc.returncode == 0, f"installed mpicc: exit {proc.returncode}, stderr {proc.stderr[-2000:]!r}"):
        dyn = run(["readelf", "-d", prog]).stdout
        check(os.path.join(prefix, "lib") in dyn and "librmacheck_access.so" in dyn,
              f"installed mpicc: the program does not load the runtime from {prefix}/lib: {dyn[-1500:]}")
        syms = run(["nm", "--defined-only", prog]).stdout
        check("__tsan_func_entry" in syms, "installed mpicc: the access entry points were not linked in")
    # The helper it used is the installed one: without it, a script cannot be linted.
    os.rename(helper, helper + ".away")
    one_line_error("installed lint without its helper", run([tool, "lint", os.path.join(opts.samples,
                                                                                          "persistent_ring_leak.py")]),
                   "mpi4py_lint.py")


# ---- formats ----

def case_formats(opts, tmp):
    sample = os.path.join(opts.samples, "request_leak_persistent_bug.c")
    expected = parse_lint_header(sample)
    text = run([opts.rmacheck, "lint", sample])
    check(text.returncode == 1, f"text: exit status {text.returncode}")
    check("request-leak" in text.stdout and "SUMMARY: rmacheck: 2 errors" in text.stdout,
          f"text: no summary of two errors in {text.stdout!r}")
    check(not text.stdout.lstrip().startswith("{"), "text: the default format is not text")

    js = run([opts.rmacheck, "lint", "--format", "json", sample])
    try:
        doc = json.loads(js.stdout)  # the whole of stdout is the document
    except ValueError as e:
        doc = None
        check(False, f"json: stdout is not one JSON document: {e}")
    if doc:
        check(doc.get("tool") == "rmacheck" and doc.get("format_version") == 1, "json: not an rmacheck report")
        same_findings("json", expected, doc)
        for f in doc.get("findings", []):
            check(f.get("static") is True and f.get("confidence") in ("high", "medium", "low"),
                  f"json: finding without static/confidence: {f.get('kind')}")
        check(doc.get("summary", {}).get("errors") == 2, f"json: summary {doc.get('summary')}")
    check(js.returncode == 1, f"json: exit status {js.returncode}")

    sarif = run([opts.rmacheck, "lint", "--format", "sarif", sample])
    try:
        sdoc = json.loads(sarif.stdout)
    except ValueError as e:
        sdoc = None
        check(False, f"sarif: stdout is not one JSON document: {e}")
    if sdoc:
        check(sdoc.get("version") == "2.1.0", f"sarif: version {sdoc.get('version')}")
        results = sdoc.get("runs", [{}])[0].get("results", [])
        got = sorted((r.get("ruleId"), r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results)
        want = sorted((f.kind, f.lines[0]) for f in expected)
        check(got == want, f"sarif: results {got}, expected {want}")
        for r in results:
            uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            check(uri.endswith("request_leak_persistent_bug.c"), f"sarif: location {uri}")
    check(sarif.returncode == 1, f"sarif: exit status {sarif.returncode}")

    for form in ("json", "sarif", "text"):
        out = os.path.join(tmp, "lint." + form)
        proc = run([opts.rmacheck, "lint", "--format", form, "-o", out, sample])
        check(proc.returncode == 1, f"-o {form}: exit status {proc.returncode}")
        check(proc.stdout == "", f"-o {form}: stdout is not empty: {proc.stdout[:200]!r}")
        try:
            with open(out, encoding="utf-8") as f:
                written = f.read()
        except OSError as e:
            check(False, f"-o {form}: {e}")
            continue
        want = {"json": js.stdout, "sarif": sarif.stdout, "text": text.stdout}[form]
        check(written == want, f"-o {form}: the file differs from the report on stdout")
    proc = run([opts.rmacheck, "lint", "-o", os.path.join(tmp, "no", "such", "dir", "x.json"), sample])
    one_line_error("-o into a missing directory", proc, "x.json")


# ---- exit ----

def case_exit(opts, tmp):
    bug = os.path.join(opts.samples, "epoch_unlock_wrong_target_bug.c")
    fixed = os.path.join(opts.samples, "epoch_unlock_wrong_target_fixed.c")
    warnings_only = os.path.join(opts.samples, "resource_leak_bug.c")
    proc = run([opts.rmacheck, "lint", bug])
    check(proc.returncode == 1, f"errors: exit status {proc.returncode}, expected 1")
    proc = run([opts.rmacheck, "lint", fixed])
    check(proc.returncode == 0, f"clean: exit status {proc.returncode}, expected 0")
    proc = run([opts.rmacheck, "lint", "--format", "json", warnings_only])
    report = find_report(proc.stdout)
    check(report is not None and report["summary"]["errors"] == 0 and report["summary"]["warnings"] > 0,
          "warnings only: expected warnings and no error")
    check(proc.returncode == 0, f"warnings only: exit status {proc.returncode}, expected 0")

    missing = os.path.join(tmp, "does_not_exist.c")
    one_line_error("missing file", run([opts.rmacheck, "lint", missing]), missing)
    bad_c = os.path.join(tmp, "broken.c")
    with open(bad_c, "w", encoding="utf-8") as f:
        f.write("#include <mpi.h>\nint main(int argc, char **argv) {\n  MPI_Init(&argc, &argv)\n  return 0;\n}\n")
    one_line_error("C file that does not compile", run([opts.rmacheck, "lint", bad_c]), bad_c)
    bad_py = os.path.join(tmp, "broken.py")
    with open(bad_py, "w", encoding="utf-8") as f:
        f.write("from mpi4py import MPI\ndef f(:\n    pass\n")
    one_line_error("Python syntax error", run([opts.rmacheck, "lint", bad_py]), bad_py)
    # With a good file beside the broken one: the good one is still reported, the status says the tool failed.
    proc = run([opts.rmacheck, "lint", "--format", "json", bug, bad_c])
    one_line_error("good and broken file", proc, bad_c)
    report = find_report(proc.stdout)
    check(report is not None and len(report["findings"]) == len(parse_lint_header(bug)),
          "good and broken file: the good file's findings are not in the report")


CASES = {"compile-db": case_compile_db, "install": case_install, "formats": case_formats, "exit": case_exit}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rmacheck", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--build", required=True, help="the rmacheck build directory (for cmake --install)")
    ap.add_argument("case", choices=sorted(CASES))
    opts = ap.parse_args()
    opts.rmacheck = os.path.abspath(opts.rmacheck)
    opts.samples = os.path.abspath(opts.samples)
    tmp = tempfile.mkdtemp(prefix=f"rmacheck-lint-{opts.case}-")
    try:
        CASES[opts.case](opts, tmp)
    finally:
        if not FAILURES:
            shutil.rmtree(tmp, ignore_errors=True)
    for reason in FAILURES:
        print(f"FAIL {opts.case}: {reason}")
    if FAILURES:
        print(f"(files kept in {tmp})")
        sys.exit(1)
    print(f"PASS {opts.case}")


if __name__ == "__main__":
    main()
