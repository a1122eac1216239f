#!/usr/bin/env python3
"""The parallel analysis gives the serial report, byte for byte (issue 14).

Runs a few samples under rmacheck once (bug samples with findings of
several detectors, and correct ones), then analyzes each log directory
serially and with `analyze -j 2` and `-j 3` (rmacheck-analyze-mpi under
mpirun), in text and JSON, and once as `mpirun -n 2 rmacheck analyze DIR`;
every report and exit status must equal the serial one, and under -j 2
each process must have read only its share of the log files.

  parallel_analyze.py --rmacheck BUILD/bin/rmacheck --sample-bin BUILD/samples NAME:RANKS...
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run(cmd, timeout):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout


def compare(name, what, serial, parallel):
    same = parallel == serial
    print(f"{'ok  ' if same else 'FAIL'} {name} {what}: status {parallel[0]} (serial {serial[0]}), "
          f"{len(parallel[1])} bytes (serial {len(serial[1])})")
    return 0 if same else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rmacheck", required=True)
    ap.add_argument("--sample-bin", required=True)
    ap.add_argument("--mpirun", default="mpirun.openmpi")
    ap.add_argument("samples", nargs="+", help="NAME:RANKS")
    a = ap.parse_args()
    # Open MPI as root, more processes than cores (what rmacheck's own launcher sets).
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                      OMPI_MCA_rmaps_base_oversubscribe="1")
    failures = 0
    top = tempfile.mkdtemp(prefix="rmacheck-parallel-")
    try:
        for spec in a.samples:
            name, ranks = spec.split(":")
            logs = os.path.join(top, name)
            rc, _ = run([a.rmacheck, "run", "-n", ranks, "--timeout", "60", "--out", logs, "--quiet",
                         "-o", os.path.join(top, name + ".run.txt"), "--", os.path.join(a.sample_bin, name)], 120)
            if not os.path.exists(os.path.join(logs, "rank-0.log")):
                print(f"FAIL {name}: rmacheck run left no logs (status {rc})")
                failures += 1
                continue
            for fmt in ("text", "json"):
                serial = run([a.rmacheck, "analyze", "--quiet", "--format", fmt, logs], 120)
                for jobs in ("2", "3"):
                    parallel = run([a.rmacheck, "analyze", "--quiet", "--format", fmt, "-j", jobs, logs], 180)
                    failures += compare(name, f"{fmt} -j {jobs}", serial, parallel)
            # Each process reads only its share of the files: --stats says how many each read.
            p = subprocess.run([a.rmacheck, "analyze", "--quiet", "--stats", "--format", "json", "-j", "2", logs],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=180, text=True)
            files = len([f for f in os.listdir(logs) if f.startswith("rank-") and f.endswith(".log")])
            shares = [int(m) for m in re.findall(r"process \d+: read (\d+) log files", p.stderr)]
            split = len(shares) == 2 and sum(shares) == files and max(shares) < files
            print(f"{'ok  ' if split else 'FAIL'} {name} -j 2 reads: {shares} of {files} files")
            failures += 0 if split else 1
            # The other way in: rmacheck started by mpirun hands over to rmacheck-analyze-mpi.
            parallel = run([a.mpirun, "-n", "2", a.rmacheck, "analyze", "--quiet", "--format", "json", logs], 180)
            failures += compare(name, "json, mpirun -n 2 rmacheck analyze", serial, parallel)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
