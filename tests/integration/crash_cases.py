#!/usr/bin/python3
"""Integration tests of rmacheck when a run goes wrong, and of its outside
contract: a rank killed with SIGKILL, MPI_Abort, a hang stopped by
--timeout, damaged logs, usage errors, the plain LD_PRELOAD route, the
JSON / SARIF documents, and Python call sites of mpi4py programs.

usage: crash_cases.py --rmacheck BIN --libdir DIR --programs DIR --sources DIR
                      [--mpirun MPIRUN] CASE

CASE is one of: kill, abort, hang, damaged-log, usage, plain, formats, mpi4py.
The programs (tests/integration/programs/*.c, built into --programs) mark the
lines the checks expect with `@name` comments; the checks look those up, so
editing a program does not silently break its expectations.

Exit status: 0 pass, 1 fail (one `FAIL <case>: <reason>` line per reason).
Standard library only; runs under /usr/bin/python3.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

from rmacheck_report import find_report, kind_severities

# The analyzer's own table of kinds (finding_kinds.def).
KIND_SEVERITY = kind_severities()

HEADER_SIZE = 4096   # log_format.h kHeaderSize
REC_ENTER = 1        # log_format.h kRecCall (one record per call)
REC_REPEAT = 16      # log_format.h kRecCallRepeat (a call repeated with the same arguments)
REC_REPEAT_SAME = 17  # log_format.h kRecCallRepeatSame (a repeat listing what the slot's last one did)
REC_CALLS = (REC_ENTER, REC_REPEAT, REC_REPEAT_SAME)
REC_EXIT = 2         # log_format.h kRecCallOut (a call's outputs, error or long duration)
# repeat_calls.c, per rank and round: 49 x 2 Waits after the first, 49 Waitalls, ~24 Irecvs and Isends.
N_REQUEST_REPEATS = 2 * 49 + 49
PENDING = 0x80000000  # log_format.h kRecordPending
SHORT = 0x40000000    # log_format.h kRecordShort: size in bits 16-29, the payload after the size word


def record_form(word):
    """(record size, payload offset in the record) of a size word (log_format.h: short and long records)."""
    return ((word >> 16) & 0x3fff, 4) if word & SHORT else (word & 0x3fffffff, 8)


class Failed(Exception):
    pass


class Case:
    """What every case needs: paths, a runner, and a list of failures."""

    def __init__(self, opts, name):
        self.opts = opts
        self.name = name
        self.failures = []
        self.dirs = []
        self.env = dict(os.environ)
        if os.geteuid() == 0:
            self.env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
            self.env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        self.env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
        # The plain route is tested explicitly; keep a caller's setting out of the others.
        self.env.pop("RMACHECK_DIR", None)

    # ---- paths
    def prog(self, name):
        path = os.path.join(self.opts.programs, name)
        if not os.access(path, os.X_OK):
            raise Failed(f"test program {path} is not built (target itest_{name})")
        return path

    def source(self, name):
        return os.path.join(self.opts.sources, name)

    def marker(self, source_name, tag):
        """Line number of the line of a program carrying the comment marker @tag."""
        with open(self.source(source_name), encoding="utf-8") as f:
            for lineno, text in enumerate(f, 1):
                if re.search(r"@" + re.escape(tag) + r"\b", text):
                    return lineno
        raise Failed(f"no @{tag} marker in {source_name}")

    def tempdir(self):
        d = tempfile.mkdtemp(prefix=f"rmacheck-{self.name}-")
        self.dirs.append(d)
        return d

    # ---- running things
    def run(self, cmd, timeout=120):
        """Runs cmd in its own session; returns (status or None on timeout, stdout, stderr, seconds)."""
        print("running:", " ".join(shlex.quote(c) for c in cmd), flush=True)
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                errors="replace", env=self.env, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
            status = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            status = None
        return status, out, err, time.monotonic() - t0

    def rmacheck(self, *args, timeout=120):
        return self.run([self.opts.rmacheck] + list(args), timeout)

    def run_json(self, ranks, logdir, program, timeout_s=60, extra=()):
        """`rmacheck run --format json`; returns (status, report, stderr, seconds)."""
        status, out, err, secs = self.rmacheck("run", "-n", str(ranks), "--timeout", str(timeout_s), "--out", logdir,
                                               "--format", "json", *extra, "--", *program,
                                               timeout=timeout_s + 60)
        self.require(status is not None, f"rmacheck run did not return within {timeout_s + 60} s", err)
        return status, require_report(out, err), err, secs

    def dump(self, logdir):
        """`rmacheck dump`: (events, typedefs, stderr lines)."""
        status, out, err, _ = self.rmacheck("dump", logdir)
        self.require(status == 0, f"rmacheck dump exited with {status}", err)
        events, types = [], []
        for line in out.splitlines():
            obj = json.loads(line)
            (events if "call" in obj else types).append(obj)
        return events, types, [l for l in err.splitlines() if l.strip()]

    # ---- checking
    def check(self, cond, reason):
        if not cond:
            self.failures.append(reason)
        return cond

    def require(self, cond, reason, context=""):
        if not cond:
            if context:
                print(context)
            self.failures.append(reason)
            raise Failed()


def require_report(stdout, stderr=""):
    """The rmacheck JSON document in stdout; fails the case when there is none."""
    doc = find_report(stdout)
    if doc is None:
        print("--- stdout ---", stdout, "--- stderr ---", stderr, sep="\n")
        raise Failed("no rmacheck JSON report on stdout")
    return doc


def line_of(event):
    loc = event.get("location")
    return loc.get("line") if isinstance(loc, dict) else None


def calls_of(events, rank):
    return [e for e in events if e["rank"] == rank]


def record_offsets(path):
    """(offset, record type, payload offset) of every record of a log, walking the format of log_format.h."""
    with open(path, "rb") as f:
        data = f.read()
    out, pos = [], HEADER_SIZE
    while pos + 4 <= len(data):
        word, = struct.unpack_from("<I", data, pos)
        size, prefix = record_form(word)
        if word == 0 or word & PENDING or size <= prefix:
            break
        out.append((pos, data[pos + prefix], pos + prefix))
        pos += (size + 3) & ~3
    return out


def unfinished_by_rank(report):
    return {u["rank"]: u for u in report["run"].get("unfinished", [])}


def rmacheck_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("rmacheck:")]


# ------------------------------------------------------------------ cases

def case_kill(c):
    """(a) rank 1 dies by SIGKILL after 5 Put/fence rounds."""
    src = "crash_kill.c"
    d = c.tempdir()
    status, rep, err, _ = c.run_json(2, d, [c.prog("crash_kill")])
    c.check(status in (0, 1), f"rmacheck exited with {status}, expected 0 or 1 (findings decide, never 2)")
    run = rep["run"]
    c.check(run["complete"] is False, f"run.complete is {run['complete']}, expected false")
    c.check(run["exit_status"] not in (0, None), f"run.exit_status is {run['exit_status']}, expected the job's failure")
    c.check(run.get("log_errors") == [], f"log errors for a killed rank: {run.get('log_errors')}")
    u = unfinished_by_rank(rep).get(1)
    if c.check(u is not None, "run.unfinished does not name rank 1"):
        c.check(u.get("call") == "MPI_Win_fence", f"rank 1's last call is {u.get('call')}, expected MPI_Win_fence")
        c.check(u.get("state") == "stopped after its last MPI call", f"rank 1's state is {u.get('state')!r}")
        want = c.marker(src, "fence")
        c.check(line_of(u) == want, f"rank 1's last call is at line {line_of(u)}, expected {want}")

    events, _, dump_err = c.dump(d)
    c.check(dump_err == [], f"rmacheck dump complained: {dump_err}")
    r1 = calls_of(events, 1)
    want_calls = ["MPI_Init", "MPI_Win_allocate", "MPI_Win_fence"] + ["MPI_Put", "MPI_Win_fence"] * 5
    c.check([e["call"] for e in r1] == want_calls,
            f"rank 1's logged calls are {[e['call'] for e in r1]}, expected {want_calls}")
    c.check(all(e["returned"] for e in r1), "a call of rank 1 is logged as not returned")
    puts = [e for e in r1 if e["call"] == "MPI_Put"]
    c.check({line_of(e) for e in puts} == {c.marker(src, "put")}, f"rank 1's Puts are at lines {[line_of(e) for e in puts]}")
    c.check([e["fields"].get("disp") for e in puts] == [0, 1, 2, 3, 4], "rank 1's Put displacements were not all logged")
    c.check(all(e["fields"].get("target") == 0 for e in puts), "rank 1's Puts do not target rank 0")
    r0 = calls_of(events, 0)
    c.check(len([e for e in r0 if e["call"] == "MPI_Put"]) == 5, "rank 0's 5 Puts are not all in the dump")


def case_abort(c):
    """(b) rank 1 calls MPI_Abort(MPI_COMM_WORLD, 42)."""
    src = "crash_abort.c"
    d = c.tempdir()
    status, rep, err, _ = c.run_json(2, d, [c.prog("crash_abort")])
    c.check(status in (0, 1), f"rmacheck exited with {status}, expected 0 or 1")
    run = rep["run"]
    c.check(run["complete"] is False, "run.complete is not false")
    c.check(run["exit_status"] not in (0, None), f"run.exit_status is {run['exit_status']}, expected non-zero")
    u = unfinished_by_rank(rep).get(1)
    if c.check(u is not None, "run.unfinished does not name rank 1"):
        c.check(u.get("call") == "MPI_Abort", f"rank 1's last call is {u.get('call')}, expected MPI_Abort")
        c.check(u.get("state") == "called MPI_Abort", f"rank 1's state is {u.get('state')!r}")
        c.check(u.get("error_code") == 42, f"error_code is {u.get('error_code')}, expected 42")
        want = c.marker(src, "abort")
        c.check(line_of(u) == want, f"MPI_Abort is reported at line {line_of(u)}, expected {want}")
        c.check(u["location"].get("file", "").endswith(src), f"MPI_Abort is reported in {u['location']}")

    events, _, dump_err = c.dump(d)
    c.check(dump_err == [], f"rmacheck dump complained: {dump_err}")
    r1 = calls_of(events, 1)
    c.check([e["call"] for e in r1] == ["MPI_Init", "MPI_Allreduce", "MPI_Barrier", "MPI_Abort"],
            f"rank 1's logged calls are {[e['call'] for e in r1]}")
    if len(r1) == 4:
        c.check(line_of(r1[1]) == c.marker(src, "allreduce"), "Allreduce is not at its line")
        c.check(line_of(r1[2]) == c.marker(src, "barrier"), "Barrier is not at its line")
        c.check(r1[2]["returned"], "the Barrier before the abort is not logged as returned")
        c.check(r1[3]["fields"].get("error_code") == 42, f"the Abort event has fields {r1[3]['fields']}")
        c.check(r1[3]["fields"].get("comm") == 1, "the Abort event does not name MPI_COMM_WORLD (id 1)")
    r0 = calls_of(events, 0)
    c.check([e["call"] for e in r0][:3] == ["MPI_Init", "MPI_Allreduce", "MPI_Barrier"],
            f"rank 0's logged calls are {[e['call'] for e in r0]}")


def case_hang(c):
    """(c) rank 0 blocks in MPI_Recv forever; --timeout 5 stops the job."""
    src = "crash_hang.c"
    d = c.tempdir()
    status, rep, err, secs = c.run_json(3, d, [c.prog("crash_hang")], timeout_s=5)
    c.check(secs < 30, f"rmacheck run took {secs:.1f} s with --timeout 5 (limit 30 s)")
    c.check(status == 1, f"rmacheck exited with {status}, expected 1 (a hang is an error finding)")
    c.check("--timeout" in err, "stderr does not say the job was stopped by --timeout")
    hangs = [f for f in rep["findings"] if f["kind"] == "hang"]
    if not c.check(len(hangs) == 1, f"{len(hangs)} hang findings, expected exactly 1"):
        return
    h = hangs[0]
    c.check(h["severity"] == "error", "the hang finding is not an error")
    blocked = {a["rank"]: a for a in h["accesses"] if a["call"] != "outside MPI"}
    c.check(sorted(blocked) == [0, 1], f"blocked ranks are {sorted(blocked)}, expected [0, 1] (rank 2 is outside MPI)")
    # Rank 2 sleeps outside MPI: the stop note of --timeout's SIGTERM says where (in sleep, called at @compute).
    stopped = [a for a in h["accesses"] if a["call"] == "outside MPI"]
    c.check([a["rank"] for a in stopped] == [2], f"ranks shown stopped outside MPI: {[a['rank'] for a in stopped]}")
    if stopped:
        c.check(line_of(stopped[0]) == c.marker(src, "compute"),
                f"rank 2 is shown stopped at line {line_of(stopped[0])}, expected its sleep loop")
    if 0 in blocked:
        a = blocked[0]
        c.check(a["call"] == "MPI_Recv", f"rank 0 is reported blocked in {a['call']}, expected MPI_Recv")
        c.check(line_of(a) == c.marker(src, "recv"), f"rank 0's MPI_Recv is at line {line_of(a)}")
        c.check(a["location"].get("file", "").endswith(src), f"rank 0's location is {a['location']}")
    if 1 in blocked:
        c.check(blocked[1]["call"] == "MPI_Finalize", f"rank 1 is reported blocked in {blocked[1]['call']}")
        c.check(line_of(blocked[1]) == c.marker(src, "finalize"), "rank 1's MPI_Finalize is not at its line")
    msg = h["message"]
    c.check("rank 0 in MPI_Recv" in msg, f"message does not name rank 0 in MPI_Recv: {msg}")
    c.check("rank 2 not inside an MPI call" in msg, f"message does not give rank 2's state: {msg}")
    run = rep["run"]
    c.check(run["hang"] is not None and {"rank": 0, "call": "MPI_Recv"} in run["hang"].get("blocked", []),
            f"run.hang is {run['hang']}")
    c.check(run["complete"] is False, "run.complete is not false")
    u2 = unfinished_by_rank(rep).get(2, {})
    c.check(u2.get("call") == "MPI_Barrier" and line_of(u2) == c.marker(src, "barrier"),
            f"rank 2's last call is {u2}")
    c.check((u2.get("stopped_at") or {}).get("line") == c.marker(src, "compute"),
            f"rank 2's stopped_at is {u2.get('stopped_at')}, expected its sleep loop")
    c.check(u2.get("state") == "stopped after its last MPI call", f"rank 2's state is {u2.get('state')!r}")


def case_foreign_signal(c):
    """(c2) SIGTERM lands on a thread started before MPI_Init: the MPI thread notes where it computes."""
    src = "crash_foreign_signal.c"
    d = c.tempdir()
    # One rank: with two, the first to die makes the launcher stop the other, maybe before its note.
    status, rep, err, secs = c.run_json(1, d, [c.prog("crash_foreign_signal")], timeout_s=30)
    c.check(secs < 25, f"the rank was not ended by its own SIGTERM ({secs:.1f} s, the --timeout is 30 s)")
    events, _, _ = c.dump(d)
    for rank in (0,):
        notes = [e for e in calls_of(events, rank) if e["call"] == "outside MPI"]
        if not c.check(len(notes) == 1, f"rank {rank} has {len(notes)} stop notes, expected 1"):
            continue
        c.check(notes[0]["thread"] == 0, f"rank {rank}'s stop note is from thread {notes[0]['thread']}, "
                                         "not from the thread that initialized MPI")
        c.check(line_of(notes[0]) == c.marker(src, "compute"),
                f"rank {rank}'s stop note is at line {line_of(notes[0])}, expected its loop "
                f"(line {c.marker(src, 'compute')}; the helper's pause() is line {c.marker(src, 'helper')})")
    u = unfinished_by_rank(rep)
    for rank in (0,):
        c.check(((u.get(rank) or {}).get("stopped_at") or {}).get("line") == c.marker(src, "compute"),
                f"rank {rank}'s stopped_at is {(u.get(rank) or {}).get('stopped_at')}")


def case_damaged_log(c):
    """(d) analyze a directory whose rank-1 log is cut short / has a corrupt byte."""
    d = c.tempdir()
    status, rep, err, _ = c.run_json(2, d, [c.prog("clean_fence")])
    c.require(status == 0 and rep["run"]["complete"], f"the clean program did not run cleanly (status {status})", err)
    events, _, _ = c.dump(d)
    n0 = len(calls_of(events, 0))
    log1 = os.path.join(d, "rank-1.log")
    records = record_offsets(log1)
    c.require(len(records) > 10, f"rank-1.log has only {len(records)} records")
    original = open(log1, "rb").read()

    # Truncated in the middle of a record.
    cut_at, _, _ = records[len(records) // 2]
    with open(log1, "wb") as f:
        f.write(original[:cut_at + 6])
    entries_before = sum(1 for off, t, _ in records if off < cut_at and t in REC_CALLS)
    status, out, err, _ = c.rmacheck("analyze", d, "--format", "json")
    c.check(status in (0, 1), f"analyze of a truncated log exited with {status}, expected 0 or 1")
    want = f"rmacheck: {log1}: offset {cut_at}: truncated record (log cut short)"
    c.check(rmacheck_lines(err) == [want], f"stderr is {rmacheck_lines(err)}, expected [{want!r}]")
    rep = require_report(out, err)
    c.check(rep["run"]["log_errors"] == [want[len("rmacheck: "):]], f"run.log_errors is {rep['run']['log_errors']}")
    c.check(rep["run"]["complete"] is False, "run.complete is not false with a cut log")
    events, _, dump_err = c.dump(d)
    c.check(dump_err == [want], f"dump's stderr is {dump_err}")
    c.check(len(calls_of(events, 0)) == n0, "rank 0's events changed")
    c.check(len(calls_of(events, 1)) == entries_before,
            f"rank 1 has {len(calls_of(events, 1))} events, expected the {entries_before} before the cut")

    # A corrupt byte inside a record's payload.
    bad_at, _, payload_at = records[len(records) // 3]
    data = bytearray(original)
    data[payload_at + 1] ^= 0x55  # the record's call id or first varint (a CALL's exit word is not covered)
    with open(log1, "wb") as f:
        f.write(bytes(data))
    status, out, err, _ = c.rmacheck("analyze", d)
    c.check(status in (0, 1), f"analyze of a corrupt log exited with {status}, expected 0 or 1")
    want = f"rmacheck: {log1}: offset {bad_at}: corrupt record (checksum mismatch)"
    c.check(rmacheck_lines(err) == [want], f"stderr is {rmacheck_lines(err)}, expected [{want!r}]")
    c.check("SUMMARY: rmacheck:" in out, "the text report is missing")

    # A log of another format version next to a good one.
    with open(log1, "wb") as f:
        f.write(b"RMACHECK-LOG 99\n".ljust(HEADER_SIZE, b"\n"))
    status, out, err, _ = c.rmacheck("analyze", d, "--format", "json")
    c.check(status in (0, 1), f"analyze with a version-99 log exited with {status}")
    lines = rmacheck_lines(err)
    c.check(len(lines) == 1 and log1 in lines[0] and "version 99" in lines[0], f"stderr is {lines}")
    rep = require_report(out, err)
    u = unfinished_by_rank(rep).get(1, {})
    c.check(u.get("state") == "no log", f"rank 1 is reported as {u}")


def case_usage(c):
    """(e) usage errors and tool failures exit 2 with a one-line message."""
    d = c.tempdir()
    prog = c.prog("clean_fence")
    # (arguments, words the message must contain, what stderr holds):
    #   usage  - the message line, then the usage text;
    #   failed - exactly one line;
    #   launch - mpirun's own complaints too; the rmacheck lines must say it.
    cases = [
        (["run", "--bogus", "--", prog], "unknown option --bogus", "usage"),
        (["run", "-n", "2"], "needs a program", "usage"),
        (["run", "-n", "2", "--"], "needs a program", "usage"),
        (["run", "-n", "0", "--", prog], "-n", "usage"),
        (["run", "--timeout", "-3", "--", prog], "--timeout", "usage"),
        (["run", "--format", "xml", "--", prog], "--format", "usage"),
        (["analyze"], "needs a log directory", "usage"),
        (["analyze", d, "--bogus"], "unknown option --bogus", "usage"),
        (["analyze", d, "--format", "xml"], "--format", "usage"),
        (["analyze", d, d], "one directory", "usage"),
        (["dump"], "dump", "usage"),
        (["frobnicate"], "unknown command frobnicate", "usage"),
        ([], "missing command", "usage"),
        (["analyze", "/nonexistent/rmacheck-logs"], "/nonexistent/rmacheck-logs", "failed"),
        (["analyze", d], "no rank logs", "failed"),
        (["dump", "/nonexistent/rmacheck-logs"], "/nonexistent/rmacheck-logs", "failed"),
        (["run", "-n", "2", "--timeout", "30", "--out", os.path.join(d, "missing-prog"), "--", "/nonexistent/program"],
         "/nonexistent/program: No such file or directory", "failed"),
        (["run", "-n", "2", "--mpirun", "/nonexistent/mpirun", "--out", os.path.join(d, "missing-mpirun"), "--", prog],
         "cannot start /nonexistent/mpirun", "failed"),
    ]
    for args, words, shape in cases:
        status, out, err, _ = c.rmacheck(*args, timeout=90)
        what = "rmacheck " + " ".join(args)
        c.check(status == 2, f"`{what}` exited with {status}, expected 2")
        lines = [l for l in err.splitlines() if l.strip()]
        mine = rmacheck_lines(err)
        if shape == "usage":
            c.check(len(mine) == 1 and words in mine[0] and lines[0] == mine[0],
                    f"`{what}`: stderr rmacheck lines {mine}, expected one mentioning {words!r}")
            c.check(all(l.startswith("usage:") or l[0].isspace() for l in lines[1:]),
                    f"`{what}`: stderr after the message is not the usage text: {lines[1:]}")
        elif shape == "failed":
            c.check(len(lines) == 1 and lines == mine and words in lines[0],
                    f"`{what}`: stderr is {lines}, expected one rmacheck line mentioning {words!r}")
        else:
            c.check(any(words in l for l in mine), f"`{what}`: no rmacheck line mentions {words!r}: {mine}")
        if shape != "launch":  # mpirun prints its own complaints on stdout
            c.check(out.strip() == "", f"`{what}` printed on stdout: {out[:200]!r}")
    status, out, err, _ = c.rmacheck("--help")
    c.check(status == 0 and "usage: rmacheck run" in out, "`rmacheck --help` does not print the usage")


def case_plain(c):
    """(f) LD_PRELOAD + RMACHECK_DIR through mpirun -x, then rmacheck analyze."""
    d = c.tempdir()
    lib = os.path.join(c.opts.libdir, "librmacheck.so")
    c.require(os.path.exists(lib), f"{lib} is not built")
    prog = c.prog("clean_fence")
    status, out, err, _ = c.run([c.opts.mpirun, "-n", "2", "-x", "LD_PRELOAD=" + lib, "-x", "RMACHECK_DIR=" + d, prog],
                                timeout=120)
    c.require(status == 0, f"mpirun exited with {status}", err)
    c.check(sorted(os.listdir(d)) == ["rank-0.log", "rank-1.log"], f"log dir holds {sorted(os.listdir(d))}")
    status, out, err, _ = c.rmacheck("analyze", d, "--format", "json")
    c.check(status == 0, f"rmacheck analyze exited with {status}, expected 0", )
    c.check(rmacheck_lines(err) == [], f"analyze complained: {rmacheck_lines(err)}")
    rep = require_report(out, err)
    run = rep["run"]
    c.check(run["ranks"] == 2, f"run.ranks is {run['ranks']}")
    c.check(run["complete"] is True, "run.complete is not true")
    c.check(run["command"] == [], f"run.command is {run['command']} without run.json")
    c.check(run["exit_status"] is None, f"run.exit_status is {run['exit_status']} without run.json")
    c.check(run["hang"] is None, "run.hang is set")
    c.check(rep["findings"] == [], f"findings on a correct program: {[f['message'] for f in rep['findings']]}")
    c.check(rep["summary"] == {"errors": 0, "warnings": 0, "suppressed": 0}, f"summary is {rep['summary']}")
    events, _, _ = c.dump(d)
    puts = [e for e in events if e["call"] == "MPI_Put"]
    c.check(len(puts) == 16 and {line_of(e) for e in puts} == {c.marker("clean_fence.c", "put")},
            f"{len(puts)} Puts at lines {sorted({line_of(e) for e in puts}, key=str)}")
    c.check(all(e["location"]["file"] == c.source("clean_fence.c") for e in puts), "Put locations name another file")


def check_json_contract(c, rep, what):
    for key, kind in (("tool", str), ("format_version", int), ("run", dict), ("findings", list), ("summary", dict)):
        c.check(isinstance(rep.get(key), kind), f"{what}: '{key}' missing or not {kind.__name__}")
    c.check(rep.get("tool") == "rmacheck", f"{what}: tool is {rep.get('tool')}")
    c.check(rep.get("format_version") == 1, f"{what}: format_version is {rep.get('format_version')}")
    run = rep.get("run", {})
    for key in ("ranks", "command", "complete", "exit_status", "hang"):
        c.check(key in run, f"{what}: run.{key} missing")
    c.check(isinstance(run.get("ranks"), int) and isinstance(run.get("command"), list)
            and isinstance(run.get("complete"), bool), f"{what}: run has wrong types: {run}")
    summary = rep.get("summary", {})
    c.check(isinstance(summary.get("errors"), int) and isinstance(summary.get("warnings"), int),
            f"{what}: summary is {summary}")
    findings = rep.get("findings", [])
    c.check(summary.get("errors") == sum(f.get("severity") == "error" for f in findings)
            and summary.get("warnings") == sum(f.get("severity") == "warning" for f in findings),
            f"{what}: summary {summary} does not count the findings")
    for f in findings:
        for key in ("kind", "severity", "message", "accesses"):
            c.check(key in f, f"{what}: a finding has no '{key}': {f}")
        c.check(KIND_SEVERITY.get(f.get("kind")) == f.get("severity"), f"{what}: kind/severity {f.get('kind')}/{f.get('severity')}")
        for a in f.get("accesses", []):
            for key in ("rank", "call", "location"):
                c.check(key in a, f"{what}: an access has no '{key}': {a}")


def check_sarif(c, sarif, what):
    c.check(sarif.get("version") == "2.1.0", f"{what}: version is {sarif.get('version')}")
    c.check("sarif" in sarif.get("$schema", ""), f"{what}: $schema is {sarif.get('$schema')}")
    runs = sarif.get("runs")
    if not c.check(isinstance(runs, list) and len(runs) == 1, f"{what}: runs is {type(runs).__name__}"):
        return []
    driver = runs[0].get("tool", {}).get("driver", {})
    c.check(driver.get("name") == "rmacheck", f"{what}: driver name is {driver.get('name')}")
    rules = driver.get("rules", [])
    ids = [r.get("id") for r in rules]
    c.check(sorted(ids) == sorted(KIND_SEVERITY), f"{what}: rule ids {ids} are not one per finding kind")
    for r in rules:
        c.check(isinstance(r.get("shortDescription", {}).get("text"), str) and r["shortDescription"]["text"],
                f"{what}: rule {r.get('id')} has no shortDescription.text")
        c.check(r.get("defaultConfiguration", {}).get("level") == KIND_SEVERITY.get(r.get("id")),
                f"{what}: rule {r.get('id')} has level {r.get('defaultConfiguration')}")
    results = runs[0].get("results")
    c.check(isinstance(results, list), f"{what}: results is not a list")
    for res in results or []:
        c.check(res.get("ruleId") in ids, f"{what}: result ruleId {res.get('ruleId')} has no rule")
        c.check(res.get("level") in ("none", "note", "warning", "error"), f"{what}: result level {res.get('level')}")
        c.check(isinstance(res.get("message", {}).get("text"), str), f"{what}: result without message.text")
        for loc in res.get("locations", []) + res.get("relatedLocations", []):
            phys = loc.get("physicalLocation", {})
            c.check(isinstance(phys.get("artifactLocation", {}).get("uri"), str), f"{what}: location without uri: {loc}")
            line = phys.get("region", {}).get("startLine")
            c.check(isinstance(line, int) and line >= 1, f"{what}: location with startLine {line}")
    return results or []


def case_formats(c):
    """(g) the JSON document of contract.md, SARIF 2.1.0, and the text report."""
    d = c.tempdir()
    prog = c.prog("clean_fence")
    status, rep, err, _ = c.run_json(2, d, [prog])
    c.check(status == 0, f"clean program: rmacheck exited with {status}")
    check_json_contract(c, rep, "clean run")
    c.check(rep["run"]["command"] == [prog], f"run.command is {rep['run']['command']}")
    c.check(rep["run"]["exit_status"] == 0 and rep["run"]["complete"] is True and rep["run"]["hang"] is None,
            f"clean run: run is {rep['run']}")
    c.check(rep["run"]["ranks"] == 2, f"run.ranks is {rep['run']['ranks']}")
    status, out, err, _ = c.rmacheck("analyze", d, "--format", "sarif")
    c.check(status == 0, f"analyze --format sarif exited with {status}")
    results = check_sarif(c, json.loads(out), "clean SARIF")
    c.check(results == [], f"clean SARIF has results: {results}")

    # A run with a finding (a hang), in all three formats.
    h = c.tempdir()
    status, rep, err, _ = c.run_json(3, h, [c.prog("crash_hang")], timeout_s=5)
    c.check(status == 1, f"hang run: rmacheck exited with {status}")
    check_json_contract(c, rep, "hang run")
    c.check(isinstance(rep["run"]["hang"], dict), f"run.hang is {rep['run']['hang']}")
    status, out, err, _ = c.rmacheck("analyze", h, "--format", "sarif")
    c.check(status == 1, f"analyze --format sarif of the hang exited with {status}")
    results = check_sarif(c, json.loads(out), "hang SARIF")
    hang = [r for r in results if r.get("ruleId") == "hang"]
    if c.check(len(hang) == 1, f"{len(hang)} SARIF results for the hang"):
        phys = hang[0]["locations"][0]["physicalLocation"]
        c.check(phys["artifactLocation"]["uri"].endswith("crash_hang.c")
                and phys["region"]["startLine"] == c.marker("crash_hang.c", "recv"),
                f"the hang's primary SARIF location is {phys}")
        c.check(hang[0]["level"] == "error", "the hang's SARIF level is not error")
    status, out, err, _ = c.rmacheck("analyze", h)
    c.check(status == 1, f"analyze (text) of the hang exited with {status}")
    c.check("ERROR: rmacheck: hang:" in out, "text report lacks the hang finding")
    c.check(re.search(r"^SUMMARY: rmacheck: 1 error, \d+ warnings?$", out, re.MULTILINE) is not None,
            "text report lacks its SUMMARY line")
    c.check(f"crash_hang.c:{c.marker('crash_hang.c', 'recv')}" in out, "text report lacks rank 0's file:line")


def case_mpi4py(c):
    """(h) Python call sites: the script's file:line, never mpi4py's."""
    script = c.source("py_locations.py")
    d = c.tempdir()
    status, rep, err, _ = c.run_json(2, d, ["/usr/bin/python3", "-m", "mpi4py", script])
    c.check(status == 0, f"rmacheck exited with {status}")
    c.check(rep["run"]["complete"] is True, "the mpi4py run did not complete")
    events, _, _ = c.dump(d)
    want = {
        "MPI_Init_thread": {c.marker("py_locations.py", "import")},
        "MPI_Win_create": {c.marker("py_locations.py", "create")},
        "MPI_Win_fence": {c.marker("py_locations.py", "fence1"), c.marker("py_locations.py", "fence2")},
        "MPI_Put": {c.marker("py_locations.py", "put")},
        "MPI_Barrier": {c.marker("py_locations.py", "barrier")},
        "MPI_Win_free": {c.marker("py_locations.py", "free")},
    }
    for rank in (0, 1):
        mine = calls_of(events, rank)
        for call, lines in want.items():
            got = [e for e in mine if e["call"] == call]
            c.check(got != [], f"rank {rank}: no {call} logged")
            c.check({line_of(e) for e in got} == lines, f"rank {rank}: {call} at lines {[line_of(e) for e in got]}, expected {sorted(lines)}")
        for e in mine:
            loc = e.get("location")
            if loc is None:
                continue
            c.check(loc["file"] == script, f"rank {rank}: {e['call']} located in {loc['file']}")
            c.check("mpi4py" not in loc["file"] or loc["file"] == script, f"rank {rank}: {e['call']} located in mpi4py")
        put = [e for e in mine if e["call"] == "MPI_Put"]
        if put:
            c.check(put[0]["location"]["function"] == "exchange", f"rank {rank}: Put's function is {put[0]['location']}")
            c.check(put[0]["fields"].get("target") == (rank + 1) % 2, f"rank {rank}: Put's target is {put[0]['fields']}")


def case_repeats(c):
    """(i) Calls repeated with the same arguments are CALL_REPEAT records that read back as the calls
    they repeat: the same events, fields and call sites as a run that logs every call in full
    (RMACHECK_REPEATS=0), through windows, datatypes and communicators freed and made again."""
    prog = c.prog("repeat_calls")
    runs = {}
    for repeats in ("0", "1"):
        c.env["RMACHECK_REPEATS"] = repeats
        d = c.tempdir()
        status, rep, err, _ = c.run_json(2, d, [prog])
        c.check(status == 0, f"RMACHECK_REPEATS={repeats}: rmacheck exited with {status}")
        c.check(rep["findings"] == [], f"RMACHECK_REPEATS={repeats}: findings {rep['findings']}")
        events, types, dump_err = c.dump(d)
        c.check(dump_err == [], f"RMACHECK_REPEATS={repeats}: dump says {dump_err}")
        kinds = [t for rank in (0, 1) for _, t, _ in record_offsets(os.path.join(d, f"rank-{rank}.log"))]
        size = sum(os.path.getsize(os.path.join(d, f"rank-{rank}.log")) for rank in (0, 1))
        runs[repeats] = (events, types, kinds.count(REC_REPEAT) + kinds.count(REC_REPEAT_SAME),
                         kinds.count(REC_ENTER), size, kinds.count(REC_EXIT), kinds.count(REC_REPEAT_SAME))
    c.env.pop("RMACHECK_REPEATS")

    # Addresses differ from run to run (ASLR): each is replaced by the order it was first seen in.
    address_fields = ("origin_addr", "result_addr", "compare_addr", "buf", "recv_buf", "win_bases", "addr")

    def comparable(e, seen):
        out = {k: v for k, v in e.items() if k not in ("t_enter", "t_exit")}
        fields = dict(out.get("fields", {}))
        for k in address_fields:
            if k in fields:
                vals = fields[k] if isinstance(fields[k], list) else [fields[k]]
                fields[k] = [seen.setdefault(v, len(seen)) for v in vals]
        out["fields"] = fields
        return out

    full, short = runs["0"], runs["1"]
    c.check(full[2] == 0, f"RMACHECK_REPEATS=0 wrote {full[2]} CALL_REPEAT records")
    # Each rank, each of 3 rounds: the fixed Put + flush loop (2 x 49), the two flushes (2 x 24), the
    # lock / Put / unlock loop (3 x 49), the fences (49 - 9): at least 321 repeats; and the collectives.
    c.check(short[2] >= 2 * 3 * 321, f"only {short[2]} CALL_REPEAT records")
    c.check(short[2] + short[3] == full[3], f"{short[2]} + {short[3]} records for the {full[3]} calls")
    # Puts whose displacement steps by one as the last one's did, Waitalls of the next two requests:
    # CALL_REPEAT_SAME records (format 7), each rank and round at least the 49 Waitalls of new requests.
    c.check(short[6] >= 2 * 3 * 49, f"only {short[6]} CALL_REPEAT_SAME records")
    c.check(short[4] < full[4], f"the log with repeats is {short[4]} bytes, without {full[4]}")
    # Waits of the same persistent request, Irecvs whose request ids grow alike: their outputs are
    # the slot's last ones again (kExitSameOutputs), in no CALL_OUT record of their own.
    c.check(short[5] + 2 * 3 * N_REQUEST_REPEATS <= full[5],
            f"{short[5]} CALL_OUT records with repeats, {full[5]} without")
    c.check(len(short[0]) == len(full[0]), f"{len(short[0])} events with repeats, {len(full[0])} without")
    seen_full, seen_short = {}, {}
    for a, b in zip(full[0], short[0]):
        if not c.check(comparable(a, seen_full) == comparable(b, seen_short),
                       f"event differs:\n  full:   {a}\n  repeat: {b}"):
            break
    c.check(full[1] == short[1], "the datatype layouts differ")
    # The objects made again are told apart: three windows and three communicators per rank.
    for rank in (0, 1):
        wins = {e["fields"]["win"] for e in calls_of(short[0], rank) if e["call"] == "MPI_Put"}
        comms = {e["fields"]["comm"] for e in calls_of(short[0], rank) if e["call"] == "MPI_Barrier"}
        c.check(len(wins) == 3, f"rank {rank}: Puts on windows {wins}")
        c.check(len(comms) == 3, f"rank {rank}: Barriers on communicators {comms}")


CASES = {
    "kill": case_kill, "abort": case_abort, "hang": case_hang, "foreign-signal": case_foreign_signal,
    "damaged-log": case_damaged_log,
    "usage": case_usage, "plain": case_plain, "formats": case_formats, "mpi4py": case_mpi4py,
    "repeats": case_repeats,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rmacheck", required=True, help="the rmacheck executable")
    ap.add_argument("--libdir", required=True, help="folder of librmacheck.so")
    ap.add_argument("--programs", required=True, help="folder of the built test programs")
    ap.add_argument("--sources", required=True, help="folder of the test programs' sources (for @markers)")
    ap.add_argument("--mpirun", default="mpirun.openmpi", help="Open MPI's mpirun, for the plain route")
    ap.add_argument("case", choices=sorted(CASES))
    opts = ap.parse_args()
    opts.sources = os.path.abspath(opts.sources)

    c = Case(opts, opts.case)
    try:
        CASES[opts.case](c)
    except Failed as e:
        if str(e):
            c.failures.append(str(e))
    except (KeyError, TypeError, ValueError, IndexError) as e:  # a report without the expected shape
        c.failures.append(f"unexpected report shape: {type(e).__name__}: {e}")
    if c.failures:
        for reason in c.failures:
            print(f"FAIL {opts.case}: {reason}")
        print("logs kept in", " ".join(c.dirs))
        sys.exit(1)
    for d in c.dirs:
        shutil.rmtree(d, ignore_errors=True)
    print(f"PASS {opts.case}")


if __name__ == "__main__":
    main()
