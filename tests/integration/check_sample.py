#!/usr/bin/python3
"""Run one sample program under rmacheck and compare the report with the
expectations written in the sample's header.

usage: check_sample.py [--clean] [--mpi openmpi|mpich] --rmacheck PATH/TO/rmacheck --sample-bin DIR SAMPLE_SOURCE

--clean (the false-alarm corpus, tests/corpus/): the header must say
`rmacheck-expect: none`; any finding, error or warning, fails.

Header lines of a sample (C/C++ `//` or Python `#` comments):

    rmacheck-sample: ranks=N [timeout=SEC] [args="A B ..."] [complete=true|false] [exit=N]
                     [build=plain|instrumented]   (instrumented: built with `rmacheck mpicc`)
                     [opt=0|2]      (built at -O0, the default, or -O2: samples/CMakeLists.txt)
                     [guard=true]   (run with --guard-memory: loads and stores seen through guarded pages)
                     [guard=false]  (never run with --guard-memory: a program guarded pages cannot run, such as
                                     one that needs MPI_THREAD_MULTIPLE)
    rmacheck-expect: none
    rmacheck-expect: KIND [at=NAME1,NAME2,...] [ranks=R1,R2,...] [guard=no]   (one line per finding)

`guard=no` on an expectation: a finding that guarded pages cannot decide (docs/user-guide.md,
"What guarded pages cannot decide"); it is not expected when the sample runs with --guard-memory
(`guard=true`, or check_sample.py --guard-memory: the suite runs correct samples that way too).

Per MPI (`--mpi`, default openmpi): `rmacheck-sample[mpich]: ...` settings apply only when the
sample runs on MPICH and override the plain line's (`skip=REASON`: the sample cannot run on that
MPI, and REASON says why: the test is skipped, exit status 77; `env=VAR=VALUE`: set for the
run on that MPI, e.g. a library setting that works around a bug of that MPI); when a sample has any
`rmacheck-expect[mpich]:` lines they replace its plain `rmacheck-expect:` lines on MPICH (an MPI
that rejects a call the other accepts, or behaves differently where the standard allows both).
`[openmpi]` works the same way.

and, on the source lines a finding points at, a marker comment `@NAME`
(`MPI_Put(...);  // @put` or `win.Put(data, 1)  # @put`), the way FileCheck
names lines: editing a sample never means recounting its line numbers.

A finding of the JSON report is reduced to (kind, sorted distinct source lines
of its accesses, or of its own location when it has no accesses). The
multiset of those must equal the expected one; `ranks=` additionally pins the
ranks of the accesses. Kinds and severities come from the analyzer's own
table (analyzer/detectors/finding_kinds.def). The exit status of rmacheck must be 1 if an expected
finding is an error and 0 otherwise. For a sample expected clean, the program
must have completed with exit status 0 unless `complete=`/`exit=` say otherwise.

--keep-logs DIR (or $RMACHECK_SAMPLE_LOGS): a run that passes leaves its log directory in DIR
(one subdirectory per test, with this script's arguments in check_sample.json), for --from-logs.
--from-logs LOGDIR: no run; `rmacheck analyze LOGDIR` (logs a passing run kept) is checked
against the header as a run's report would be, and any sanitizer report on its stderr fails
(scripts/test-sanitize.sh: the sanitized analyzer on the normal build's logs).

Exit status: 0 pass, 1 fail (one `FAIL <sample>: <reason>` line per reason).
Standard library only; runs under /usr/bin/python3.
"""
import argparse
import collections
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

from rmacheck_report import find_report, kind_severities

# Severity of every finding kind, from the analyzer's own table.
KIND_SEVERITY = kind_severities()
ERROR_KINDS = {k for k, sev in KIND_SEVERITY.items() if sev == "error"}

HEADER = re.compile(r"^\s*(?://|#|!)\s*rmacheck-(sample|expect)(?:\[(\w+)\])?:\s*(.*?)\s*$")
MPI_FAMILIES = ("openmpi", "mpich")
# Exit status of a sample that cannot run on this MPI (ctest: SKIP_RETURN_CODE).
SKIP_STATUS = 77
# A line marker: `@name` inside a trailing // or # comment.
MARKER = re.compile(r"(?://|#|!).*?(?<![\w@])@([A-Za-z_]\w*)")

# kind, lines: sorted tuple of distinct ints, ranks: sorted tuple or None (= any)
Finding = collections.namedtuple("Finding", "kind lines ranks")


class SampleError(Exception):
    """The sample's header is malformed."""


def int_list(value, what, lineno):
    try:
        return tuple(sorted({int(v) for v in value.split(",") if v}))
    except ValueError:
        raise SampleError(f"line {lineno}: bad {what} list '{value}'") from None


def parse_header(path, mpi="openmpi"):
    """Returns (settings dict, list of expected Findings) for a run on MPI `mpi`."""
    settings = {"ranks": None, "timeout": 60, "args": [], "complete": None, "exit": None, "guard": False,
                "skip": None, "env": {}}
    expected, said_none, said_expect = [], False, False
    mpi_expected, mpi_said_none, mpi_said_expect = [], False, False
    with open(path, encoding="utf-8") as f:
        text_lines = f.read().split("\n")
    markers = {}
    for lineno, text in enumerate(text_lines, 1):
        if HEADER.match(text):
            continue
        for name in MARKER.findall(text):
            if name in markers:
                raise SampleError(f"line {lineno}: marker @{name} is also on line {markers[name]}")
            markers[name] = lineno
    for lineno, text in enumerate(text_lines, 1):
        m = HEADER.match(text)
        if not m:
            continue
        key, family, rest = m.groups()
        if family is not None and family not in MPI_FAMILIES:
            raise SampleError(f"line {lineno}: unknown MPI '{family}' (one of {', '.join(MPI_FAMILIES)})")
        if family is not None and family != mpi:
            continue
        if key == "sample":
            skip = re.search(r"(?:^|\s)skip=(.*)$", rest)  # the reason is free text, up to the end of the line
            if skip and family is not None and skip.group(1).strip():
                settings["skip"] = skip.group(1).strip()
                rest = rest[:skip.start()]
            for token in shlex.split(rest):
                name, _, value = token.partition("=")
                try:
                    if name == "exit" and value == "any":
                        settings["exit"] = None  # an [mpi] line lifting the plain line's exit status
                    elif name in ("ranks", "timeout", "exit"):
                        settings[name] = int(value)
                    elif name == "args":
                        settings["args"] = shlex.split(value)
                    elif name == "build" and value in ("plain", "instrumented"):
                        settings["build"] = value  # samples/CMakeLists.txt builds `instrumented` with rmacheck mpicc
                    elif name == "opt" and value in ("0", "2"):
                        settings["opt"] = int(value)  # read by samples/CMakeLists.txt, which builds the sample
                    elif name == "guard" and value in ("true", "false"):
                        settings["guard"] = value == "true"
                    elif name == "complete" and value in ("true", "false"):
                        settings["complete"] = value == "true"
                    elif name == "env" and "=" in value and family is not None:
                        var, _, val = value.partition("=")
                        settings["env"][var] = val  # for that MPI only: a library setting the sample needs
                    else:
                        raise ValueError
                except ValueError:
                    raise SampleError(f"line {lineno}: bad setting '{token}'") from None
            continue
        if family is not None:
            mpi_said_expect = True
            if rest == "none":
                mpi_said_none = True
                continue
        else:
            said_expect = True
            if rest == "none":
                said_none = True
                continue
        words = rest.split()
        kind, lines, ranks, guard = words[0], (), None, True
        if kind not in KIND_SEVERITY:
            raise SampleError(f"line {lineno}: unknown finding kind '{kind}'")
        for word in words[1:]:
            name, _, value = word.partition("=")
            if name == "at":
                at = [v.lstrip("@") for v in value.split(",") if v]
                unknown = [v for v in at if v not in markers]
                if unknown:
                    raise SampleError(f"line {lineno}: no line carries the marker(s) " + ", ".join("@" + v for v in unknown))
                lines = tuple(sorted({markers[v] for v in at}))
            elif name == "ranks":
                ranks = int_list(value, "ranks", lineno)
            elif name == "guard" and value == "no":
                guard = False
            else:
                raise SampleError(f"line {lineno}: unknown field '{word}'")
        (mpi_expected if family is not None else expected).append((Finding(kind, lines, ranks), guard))
    if mpi_said_expect:
        if mpi_said_none and mpi_expected:
            raise SampleError(f"'rmacheck-expect[{mpi}]: none' together with expected findings")
        expected = mpi_expected
    if settings["ranks"] is None:
        raise SampleError("no 'rmacheck-sample: ranks=N' line")
    if not said_expect:
        raise SampleError("no 'rmacheck-expect:' line (write 'rmacheck-expect: none' for a clean sample)")
    if said_none and expected:
        raise SampleError("'rmacheck-expect: none' together with expected findings")
    return settings, expected


def expected_for(expected, guard):
    """The expectations of one mode: with guarded pages, those marked guard=no are not expected."""
    return [f for f, in_guard in expected if in_guard or not guard]


def reduce_finding(finding):
    """The comparable form of one finding of the JSON report."""
    accesses = finding.get("accesses") or []
    places = [a.get("location") for a in accesses] if accesses else [finding.get("location")]
    lines = tuple(sorted({p["line"] for p in places if isinstance(p, dict) and isinstance(p.get("line"), int)}))
    if accesses:
        ranks = [a.get("rank") for a in accesses]
    else:
        ranks = finding.get("ranks") or [finding.get("rank")]
    ranks = tuple(sorted({r for r in ranks if isinstance(r, int)}))
    return Finding(finding.get("kind"), lines, ranks)


def match(expected, actual):
    """Returns (missing, extra): the expected findings not reported and the
    reported ones not expected. Expectations that pin ranks are matched first."""
    extra = list(actual)
    missing = []
    for want in sorted(expected, key=lambda f: f.ranks is None):
        for i, got in enumerate(extra):
            if (got.kind, got.lines) == (want.kind, want.lines) and want.ranks in (None, got.ranks):
                del extra[i]
                break
        else:
            missing.append(want)
    return missing, extra


def run(cmd, timeout, env):
    """Runs cmd in its own process group; kills the whole group on timeout.
    Returns (exit status or None on timeout, stdout, stderr)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out, err


def fmt(findings):
    if not findings:
        return "    (none)"
    return "\n".join(f"    {f.kind} lines={','.join(map(str, f.lines))}"
                     + (f" ranks={','.join(map(str, f.ranks))}" if f.ranks else "")
                     for f in sorted(findings, key=lambda f: (f.kind, f.lines)))


# What ASan, LSan and UBSan print when they find something.
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer")


def keep_logs(opts, logdir, guarded):
    """Moves a passing run's logs to KEEP/<sample-bin>[-guard].<sample>/ with the
    arguments that check them again (--from-logs) in check_sample.json, and
    whether the run had guarded pages (by option or by the sample's header)."""
    variant = os.path.basename(os.path.normpath(opts.sample_bin)) + ("-guard" if opts.guard_memory else "")
    dest = os.path.join(opts.keep_logs, f"{variant}.{os.path.basename(opts.sample)}")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(opts.keep_logs, exist_ok=True)
    shutil.copytree(logdir, dest)
    args = {"sample": os.path.abspath(opts.sample), "sample_bin": os.path.abspath(opts.sample_bin),
            "mpi": opts.mpi, "guard_memory": opts.guard_memory, "clean": opts.clean, "guarded": guarded}
    with open(os.path.join(dest, "check_sample.json"), "w") as f:
        json.dump(args, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rmacheck", required=True, help="the rmacheck executable")
    ap.add_argument("--sample-bin", required=True, help="folder of the built C/C++ samples")
    ap.add_argument("--clean", action="store_true",
                    help="a correct program of the false-alarm corpus: it must expect no finding at all")
    ap.add_argument("--guard-memory", action="store_true",
                    help="run with --guard-memory whatever the header says")
    ap.add_argument("--mpi", choices=MPI_FAMILIES, default="openmpi",
                    help="the MPI the sample binary was built for (its header's [mpi] lines apply)")
    ap.add_argument("--keep-logs", metavar="DIR", default=os.environ.get("RMACHECK_SAMPLE_LOGS"),
                    help="keep the log directory of a passing run in DIR, for --from-logs"
                         " (default: $RMACHECK_SAMPLE_LOGS, which scripts/test-sanitize.sh sets)")
    ap.add_argument("--from-logs", metavar="LOGDIR",
                    help="no run: check `rmacheck analyze LOGDIR` (a kept passing run) against the header")
    ap.add_argument("sample", help="the sample's source file")
    opts = ap.parse_args()

    source = os.path.abspath(opts.sample)
    name = os.path.basename(source)
    stem, ext = os.path.splitext(name)

    def fail(*reasons):
        for reason in reasons:
            print(f"FAIL {name}: {reason}")
        sys.exit(1)

    try:
        settings, expected = parse_header(source, opts.mpi)
    except (OSError, SampleError) as e:
        fail(f"cannot use the sample header: {e}")
    if opts.mpi == "mpich" and (settings["guard"] or opts.guard_memory):
        settings["skip"] = settings["skip"] or "--guard-memory works with Open MPI only"
    if settings["skip"]:
        print(f"SKIP {name} on {opts.mpi}: {settings['skip']}")
        sys.exit(SKIP_STATUS)
    if opts.clean and expected:
        fail("a corpus program must be correct: its header must say 'rmacheck-expect: none'")
    guard = settings["guard"] or opts.guard_memory
    expected = expected_for(expected, guard)

    if ext == ".py":
        program = ["/usr/bin/python3", "-m", "mpi4py", source]
    else:
        program = [os.path.join(opts.sample_bin, stem)]
        if not os.access(program[0], os.X_OK):
            fail(f"sample binary {program[0]} not found (build target sample_{stem})")

    # Root needs Open MPI's consent; the CI machine has fewer cores than ranks.
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    env.update(settings["env"])

    def attempt():
        timeout = settings["timeout"]
        logdir = tempfile.mkdtemp(prefix=f"rmacheck-{stem}-")
        cmd = [opts.rmacheck, "run", "-n", str(settings["ranks"]), "--timeout", str(timeout),
               "--out", logdir, "--format", "json", "--mpi", opts.mpi] + (["--guard-memory"] if guard else []) + ["--"] + program + settings["args"]
        print("running:", " ".join(shlex.quote(c) for c in cmd))
        status, out, err = run(cmd, timeout + 60, env)
        if status is None:
            print(out, err, sep="\n")
            fail(f"rmacheck did not finish within {timeout + 60} s (logs kept in {logdir})")
        return check_report(status, out, err, logdir)

    def check_report(status, out, err, logdir):
        report = find_report(out)
        if status == 2 or report is None:
            print("--- stdout ---", out, "--- stderr ---", err, sep="\n")
            fail(f"rmacheck failed (exit status {status}"
                 + (", no JSON report on stdout" if report is None else "")
                 + f"; logs kept in {logdir})")

        actual = [reduce_finding(f) for f in report.get("findings", [])]
        missing, extra = match(expected, actual)
        reasons = []
        if missing or extra:
            reasons.append(f"findings differ: {len(missing)} missing, {len(extra)} extra")

        want_status = 1 if any(f.kind in ERROR_KINDS for f in expected) else 0
        if status != want_status:
            reasons.append(f"rmacheck exited with {status}, expected {want_status}")

        run_info = report.get("run") or {}
        want_complete, want_exit = settings["complete"], settings["exit"]
        if not expected:   # a clean sample must also have run to its normal end
            want_complete = True if want_complete is None else want_complete
            want_exit = 0 if want_exit is None else want_exit
        if want_complete is not None and run_info.get("complete") != want_complete:
            reasons.append(f"run.complete is {json.dumps(run_info.get('complete'))}, expected {json.dumps(want_complete)}")
        if want_exit is not None and run_info.get("exit_status") != want_exit:
            reasons.append(f"run.exit_status is {json.dumps(run_info.get('exit_status'))}, expected {want_exit}")

        return reasons, missing, extra, actual, logdir, err

    if opts.from_logs:
        cmd = [opts.rmacheck, "analyze", opts.from_logs, "--format", "json"]
        print("running:", " ".join(shlex.quote(c) for c in cmd))
        status, out, err = run(cmd, 300, env)
        if status is None:
            fail(f"rmacheck analyze did not finish within 300 s")
        reasons, missing, extra, actual, _, _ = check_report(status, out, err, opts.from_logs)
        if SANITIZER_REPORT.search(err):
            print("--- stderr of rmacheck analyze ---", err, sep="\n")
            reasons.append("a sanitizer report on stderr")
        if missing or extra:
            print("expected findings:", fmt(expected), "reported findings:", fmt(actual),
                  "missing:", fmt(missing), "extra:", fmt(extra), sep="\n")
        if reasons:
            fail(*reasons)
        print(f"PASS {name} from {opts.from_logs}: {len(actual)} finding(s) as expected")
        return

    reasons, missing, extra, actual, logdir, err = attempt()
    # MPICH: an MPI error MPICH is fatal about ends the rank through its PMI abort, and Hydra
    # SIGKILLs the job as soon as the abort is reported, at times before the aborting rank's
    # exit() record or Abort line is out (about 1 run in 50 here): the mpi-error finding and the
    # program-failed lines then differ. That is Hydra's teardown, not the analysis: such a run is
    # tried again, at most twice, and says so.
    tries = 1
    while (reasons and opts.mpi == "mpich" and tries < 3 and any(f.kind == "mpi-error" for f in missing)):
        print(f"retrying: mpi-error missing on MPICH (Hydra's teardown timing), try {tries + 1}")
        shutil.rmtree(logdir, ignore_errors=True)
        reasons, missing, extra, actual, logdir, err = attempt()
        tries += 1

    if not reasons:
        if opts.keep_logs:
            keep_logs(opts, logdir, guard)
        shutil.rmtree(logdir, ignore_errors=True)
        print(f"PASS {name}: {len(actual)} finding(s) as expected")
        return

    if missing or extra:
        print("expected findings:", fmt(expected), "reported findings:", fmt(actual),
              "missing:", fmt(missing), "extra:", fmt(extra), sep="\n")
    _, text, text_err = run([opts.rmacheck, "analyze", logdir, "--format", "text"], 120, env)
    print("--- text report (rmacheck analyze) ---", text, text_err, sep="\n")
    if err.strip():
        print("--- stderr of rmacheck run ---", err, sep="\n")
    print(f"logs kept in {logdir}")
    fail(*reasons)


if __name__ == "__main__":
    main()
