#!/usr/bin/python3
"""Measure rmacheck's false-alarm rate on MPICH's own one-sided test suite.

OPTIONAL, not part of the test suite (ctest never runs it), and nothing of
MPICH is committed: the script fetches the source package with the ordinary
Debian client, builds test/mpi/rma with mpicc.openmpi, runs every test of
rma/testlist.in under rmacheck and writes one JSON line per run plus a
summary. The findings still need a human to classify them (a real bug in
the test, a checker false alarm, or a gray area of the MPI standard); see
docs/false-alarms.md for how the last run was classified.

    tests/thirdparty/mpich_rma.py --rmacheck build/bin/rmacheck [--work DIR]
        [--only REGEX] [--timeout SEC] [--results FILE]

Fetching needs a deb-src line for Debian's main archive, e.g. a file
/etc/apt/sources.list.d/debian-src.sources with
    Types: deb-src
    URIs: http://deb.debian.org/debian
    Suites: bookworm
    Components: main
    Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
then `apt-get update`. Standard library only; runs under /usr/bin/python3.
"""
import argparse
import glob
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile

CONF_H = """#ifndef MPITESTCONF_H_INCLUDED
#define MPITESTCONF_H_INCLUDED
/* Written by rmacheck's tests/thirdparty/mpich_rma.py for Open MPI on Linux. */
#define HAVE_STDLIB_H 1
#define HAVE_STDARG_H 1
#define USE_STDARG 1
#define HAVE_STRING_H 1
#define HAVE_UNISTD_H 1
#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_RESOURCE_H 1
#define HAVE_GETRUSAGE 1
#define HAVE_LONG_DOUBLE 1
#define HAVE_LONG_LONG 1
#define HAVE_MPI_WIN_CREATE 1
#define HAVE_MPI_IO 1
#define HAVE_MPI_SPAWN 1
#define HAVE_PTHREAD_H 1
#define USE_STRICT_MPI 1
#define THREAD_PACKAGE_NAME THREAD_PACKAGE_POSIX
#endif
"""


def sh(cmd, **kw):
    return subprocess.run(cmd, text=True, errors="replace", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def fetch(work):
    """Returns the test/mpi folder, fetching and extracting it if needed."""
    found = glob.glob(os.path.join(work, "mpich-*", "test", "mpi", "rma", "testlist.in"))
    if found:
        return os.path.dirname(os.path.dirname(found[0]))
    os.makedirs(work, exist_ok=True)
    if not glob.glob(os.path.join(work, "mpich_*.orig.tar.*")):
        r = sh(["apt-get", "source", "--download-only", "mpich"], cwd=work)
        if r.returncode != 0:
            sys.exit("mpich_rma: `apt-get source --download-only mpich` failed (is a deb-src line configured? "
                     "see this script's help):\n" + r.stdout[-2000:])
    tarball = sorted(glob.glob(os.path.join(work, "mpich_*.orig.tar.*")))[-1]
    with tarfile.open(tarball) as t:
        wanted = [m for m in t.getmembers() if re.match(r"mpich-[^/]+/test/mpi/(rma|include|util)/", m.name)]
        t.extractall(work, members=wanted)
    return fetch(work)


def parse_makefile(path):
    """{program: (sources, cppflags, ldflags)} from the per-target rules of Makefile.am."""
    text = open(path).read().replace("\\\n", " ")
    rules = {}
    for m in re.finditer(r"^(\w+?)_(SOURCES|CPPFLAGS|LDADD)\s*=\s*(.*)$", text, re.M):
        name, what, value = m.group(1), m.group(2), m.group(3)
        value = value.replace("$(AM_CPPFLAGS)", "").replace("$(LDADD)", "")
        rules.setdefault(name, {})[what] = value.split()
    return rules


def parse_testlist(path):
    """[(name, nprocs, args, time_limit)] for the unconditional entries of testlist.in."""
    tests = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("@"):
            continue
        words = line.split()
        if len(words) < 2 or not words[1].isdigit():
            continue
        args, limit = [], None
        for w in words[2:]:
            if w.startswith("arg="):
                args.append(w[4:])
            elif w.startswith("timeLimit="):
                limit = int(w.split("=", 1)[1])
        tests.append((words[0], int(words[1]), args, limit))
    return tests


def build(mpi_dir, bindir, name, rules):
    rma = os.path.join(mpi_dir, "rma")
    rule = rules.get(name, {})
    sources = [os.path.join(rma, s) for s in rule.get("SOURCES", [name + ".c"])]
    if not all(os.path.exists(s) for s in sources):
        return False, "no source"
    exe = os.path.join(bindir, name)
    cmd = (["mpicc.openmpi", "-g", "-O0", "-w", "-I" + os.path.join(mpi_dir, "include")] + rule.get("CPPFLAGS", []) +
           sources + glob.glob(os.path.join(bindir, "mtest_objs", "*.o")) + ["-o", exe] + rule.get("LDADD", []) +
           ["-lm", "-lpthread"])
    r = sh(cmd)
    return r.returncode == 0, r.stdout[-400:]


def run_one(rmacheck, exe, nprocs, args, timeout, logdir, env):
    shutil.rmtree(logdir, ignore_errors=True)
    cmd = [rmacheck, "run", "-n", str(nprocs), "--timeout", str(timeout), "--out", logdir, "--format", "text", "--",
           exe] + args
    proc = subprocess.Popen(cmd, text=True, errors="replace", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout + 120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out, None
    rep = sh([rmacheck, "analyze", logdir, "--format", "json"], env=env)
    report = None
    try:
        start = rep.stdout.index("{")
        report = json.loads(rep.stdout[start:])
    except ValueError:
        pass
    return proc.returncode, out, report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rmacheck", required=True)
    ap.add_argument("--work", default="/tmp/rmacheck-mpich-rma", help="download, build and log folder")
    ap.add_argument("--only", default=None, help="run only tests whose name matches this regex")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per run (timeLimit entries may raise it)")
    ap.add_argument("--results", default=None, help="JSON lines file (default WORK/results.jsonl)")
    opts = ap.parse_args()
    rmacheck = os.path.abspath(opts.rmacheck)
    work = os.path.abspath(opts.work)

    mpi_dir = fetch(work)
    with open(os.path.join(mpi_dir, "include", "mpitestconf.h"), "w") as f:
        f.write(CONF_H)
    bindir = os.path.join(work, "bin")
    objs = os.path.join(bindir, "mtest_objs")
    os.makedirs(objs, exist_ok=True)
    for src in ("mtest.c", "mtest_common.c", "mtest_single.c"):
        r = sh(["mpicc.openmpi", "-g", "-O0", "-w", "-I" + os.path.join(mpi_dir, "include"), "-c",
                os.path.join(mpi_dir, "util", src), "-o", os.path.join(objs, src[:-2] + ".o")])
        if r.returncode != 0:
            sys.exit("mpich_rma: cannot build util/" + src + ":\n" + r.stdout)

    rules = parse_makefile(os.path.join(mpi_dir, "rma", "Makefile.am"))
    tests = parse_testlist(os.path.join(mpi_dir, "rma", "testlist.in"))
    if opts.only:
        tests = [t for t in tests if re.search(opts.only, t[0])]
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")

    results_path = opts.results or os.path.join(work, "results.jsonl")
    built = {}
    counts = {"runs": 0, "not built": 0, "clean": 0, "with errors": 0, "warnings only": 0, "program failed": 0}
    with open(results_path, "w") as res:
        for name, nprocs, args, limit in tests:
            if name not in built:
                built[name] = build(mpi_dir, bindir, name, rules)
            ok, why = built[name]
            entry = {"test": name, "nprocs": nprocs, "args": args}
            if not ok:
                entry["built"] = False
                entry["why"] = why
                counts["not built"] += 1
                res.write(json.dumps(entry) + "\n")
                print(f"{name} {nprocs} {' '.join(args)}: not built")
                continue
            timeout = max(opts.timeout, min(limit or 0, 300))
            logdir = os.path.join(work, "logs", f"{name}-{nprocs}-{len(args) and abs(hash(tuple(args))) % 10000}")
            status, out, report = run_one(rmacheck, os.path.join(bindir, name), nprocs, args, timeout, logdir, env)
            counts["runs"] += 1
            findings = (report or {}).get("findings", [])
            errors = [f for f in findings if f.get("severity") == "error"]
            warnings = [f for f in findings if f.get("severity") == "warning"]
            run_info = (report or {}).get("run", {})
            entry.update({"built": True, "status": status, "no_errors_printed": " No Errors" in (out or ""),
                          "complete": run_info.get("complete"), "exit_status": run_info.get("exit_status"),
                          "findings": [{"kind": f.get("kind"), "severity": f.get("severity"),
                                        "message": f.get("message"),
                                        "lines": sorted({a.get("location", {}).get("line") for a in
                                                         f.get("accesses", []) if a.get("location")} - {None})}
                                       for f in findings],
                          "logdir": logdir})
            failed = run_info.get("exit_status") not in (0, None) or run_info.get("complete") is False
            if failed:
                counts["program failed"] += 1
            kinds = sorted({f.get("kind") for f in findings})
            if errors and not all(f.get("kind") in ("program-failed", "hang") for f in errors):
                counts["with errors"] += 1
            elif warnings and not errors:
                counts["warnings only"] += 1
            elif not findings:
                counts["clean"] += 1
            res.write(json.dumps(entry) + "\n")
            res.flush()
            print(f"{name} {nprocs} {' '.join(args)}: {len(errors)} errors, {len(warnings)} warnings "
                  f"{','.join(kinds)}{' (program failed)' if failed else ''}", flush=True)
    print("summary: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("results: " + results_path)


if __name__ == "__main__":
    main()
