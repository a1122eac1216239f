#!/usr/bin/python3
"""Check the call-traits table against real logs: every field that
interpose/log_format/call_traits.def says holds an argument of a call (its
buffer, handle, rank and tag rows) is in the log of every such call that
returned MPI_SUCCESS, in runs of correct sample programs.

usage: check_call_traits.py --rmacheck PATH --sample-bin DIR SAMPLE_SOURCE...

Outputs (handle rows with use kCreate) are left out: a call may make a null
handle (MPI_Comm_split with MPI_UNDEFINED). Prints the calls the runs covered.
Exit status: 0 pass, 1 fail (one `FAIL` line per call and missing field).
Standard library only; runs under /usr/bin/python3.
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile

from check_sample import parse_header, run

TRAITS_DEF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "interpose", "log_format",
                          "call_traits.def")
ROW = re.compile(r"^\s*RMACHECK_(BUFFER|HANDLE|RANK|TAG)\((\w+),\s*([^)]*)\)", re.MULTILINE)


def expected_fields():
    """{call name as logged ("MPI_Put", "MPI_Bcast_init"): [(row kind, field), ...]}"""
    fields = {}
    with open(TRAITS_DEF, encoding="utf-8") as f:
        text = f.read()
    for kind, call, rest in ROW.findall(text):
        if call == "Name":  # the header's description of the macros
            continue
        args = [a.strip() for a in rest.split(",")]
        # X_ ids: persistent collectives, logged by the standard's name whatever the library spells them.
        name = "MPI_" + (call[2:] if call.startswith("X_") else call)
        if kind == "BUFFER":
            wanted = [a for a in args[:3] if a != "none"]
        elif kind == "HANDLE":
            wanted = [] if args[2] == "kCreate" else [args[0]]
        else:
            wanted = [args[0]]
        fields.setdefault(name, []).extend((kind.lower(), w) for w in wanted)
    if not fields:
        raise RuntimeError(f"no argument rows in {TRAITS_DEF}")
    return fields


# Collectives log a side's block (count x type) only where MPI says it is
# significant (interpose/recorder.h, coll_send/coll_recv): a gather's receive
# side and a scatter's send side at the root only, neither side that passed
# MPI_IN_PLACE.
ROOT_ONLY = {("MPI_Gather", "recv_type"), ("MPI_Igather", "recv_type"), ("MPI_Scatter", "type"),
             ("MPI_Iscatter", "type")}


def block_not_significant(ev, field):
    if field not in ("type", "recv_type"):
        return False
    fields = ev["fields"]
    if "in_place" in fields:
        return True
    return (ev["call"], field) in ROOT_ONLY and fields.get("root") != ev["rank"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rmacheck", required=True)
    ap.add_argument("--sample-bin", required=True)
    ap.add_argument("samples", nargs="+")
    opts = ap.parse_args()
    want = expected_fields()

    env = dict(os.environ)
    if os.geteuid() == 0:
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")

    failures, covered = [], {}
    for source in opts.samples:
        settings, _ = parse_header(source)
        stem = os.path.splitext(os.path.basename(source))[0]
        logdir = tempfile.mkdtemp(prefix=f"rmacheck-traits-{stem}-")
        program = [os.path.join(opts.sample_bin, stem)]
        status, out, err = run([opts.rmacheck, "run", "-n", str(settings["ranks"]), "--timeout",
                                str(settings["timeout"]), "--out", logdir, "--format", "json", "--"] + program,
                               settings["timeout"] + 60, env)
        if status not in (0, 1):
            failures.append(f"{stem}: rmacheck run exited with {status}: {err.strip()[-300:]}")
            continue
        status, dump, err = run([opts.rmacheck, "dump", logdir], 120, env)
        if status != 0:
            failures.append(f"{stem}: rmacheck dump exited with {status}: {err.strip()[-300:]}")
            continue
        for line in dump.splitlines():
            ev = json.loads(line)
            call = ev.get("call")
            if call is None or not ev.get("returned") or ev.get("rc") != 0:
                continue
            covered[call] = covered.get(call, 0) + 1
            for kind, field in want.get(call, []):
                if field not in ev["fields"] and not block_not_significant(ev, field):
                    failures.append(f"{stem}: {call} on rank {ev['rank']} (seq {ev['seq']}) has no field "
                                    f"'{field}', which its {kind} row in call_traits.def names")
        shutil.rmtree(logdir, ignore_errors=True)

    with_rows = sorted(c for c in covered if want.get(c))
    print(f"{len(covered)} calls logged, {len(with_rows)} of them with argument rows checked: " + " ".join(with_rows))
    for f in sorted(set(failures)):
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
