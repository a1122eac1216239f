#!/usr/bin/env bash
# The analyzer once more under AddressSanitizer (with LeakSanitizer) and UBSan,
# and the interposer under UBSan, built in build-asan/ (build/ is not touched).
# Any sanitizer report fails (halt_on_error, abort_on_error, no recovery:
# -fno-sanitize-recover=all). scripts/test.sh runs it after the normal suite.
#
# usage: scripts/test-sanitize.sh [--logs DIR]
#
# What runs (docs/fuzzing.md, "Sanitizer builds", says why and how long):
#   1. the unit tests (analyzer_tests, lint_tests, symbolizer_test) and
#      fuzz.replay (every seed and regression input of tests/fuzz/);
#   2. every Open MPI sample run with guarded pages (C, C++ and mpi4py; by
#      --guard-memory or by the sample's header) once more, whole: the UBSan
#      interposer preloaded (these runs go through the most of its code: the
#      recording, the guard's fault handler and instruction decoder), the
#      sanitized `rmacheck run` and analysis, checked against the sample's header;
#   3. the sanitized `rmacheck analyze` on the logs of every other passing
#      sample run of the normal build (Open MPI without guard, MPICH,
#      instrumented, libomp, plain-mpicc and corpus variants), kept in DIR
#      (default build/sample-logs/) by
#      check_sample.py under RMACHECK_SAMPLE_LOGS, each checked against its
#      sample's header again. Without kept logs, the normal build's sample
#      tests run once first to make them.
# ASan is not put into the interposer: the MPI programs carry no ASan runtime,
# which must be the first library of a process; UBSan's need not.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
logs=$root/build/sample-logs
while [ $# -gt 0 ]; do
  case "$1" in
    --logs) logs=$(realpath "$2"); shift 2 ;;
    *) echo "usage: scripts/test-sanitize.sh [--logs DIR]" >&2; exit 2 ;;
  esac
done

# -O0 -g1 and a unity build: the build is the cost of this pass, and these cut it about
# fivefold (docs/fuzzing.md, "Sanitizer builds"); -O0 hides no report ASan or UBSan gives at -O1.
# The interposer keeps its own -O2 (it sets it per target).
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g1 -DNDEBUG" \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 \
  -DRMACHECK_WERROR=ON -DRMACHECK_SANITIZE=address,undefined -DRMACHECK_SANITIZE_INTERPOSER=undefined > /dev/null
# Only what runs here: the samples are the normal build's (build/samples*), not rebuilt.
targets="rmacheck rmacheck_interpose analyzer_tests lint_tests symbolizer_test fuzz_replay"
if cmake --build build-asan --target help | grep -w rmacheck_interpose_mpich > /dev/null; then targets+=" rmacheck_interpose_mpich"; fi
# shellcheck disable=SC2086
nice -n 10 cmake --build build-asan -j2 --target $targets

# abort_on_error: a report ends the process with SIGABRT, which no test can take for a normal exit status.
# handle_segv/handle_sigbus=0: UBSan's runtime in the interposer must leave SIGSEGV to --guard-memory's
# handler, and SIGBUS to the program (UBSan finds nothing by catching them).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:handle_segv=0:handle_sigbus=0:handle_abort=0"

echo "== unit tests and fuzz.replay under ASan+UBSan"
(cd build-asan && ctest --output-on-failure -j2 -L unit -E '^(style\.|unit\.datatype_flatten$)')

if ! compgen -G "$logs/*/check_sample.json" > /dev/null; then
  echo "== no kept sample logs in $logs: running the normal build's sample tests once to make them"
  cmake --build build -j2
  (cd build && RMACHECK_SAMPLE_LOGS=$logs ctest -j2 -R '^sample' > /dev/null) || true
fi

# check_again DIR: the kept run of DIR once more, whole (Open MPI with guarded pages) or from its logs.
check_again() {
  local dir=$1 args how
  args=$(python3 -c 'import json, os, sys
a = json.load(open(sys.argv[1]))
rerun = a["mpi"] == "openmpi" and a.get("guarded", False)
print(" ".join((["rerun"] if rerun else ["--from-logs", sys.argv[2]])
               + ["--sample-bin", a["sample_bin"], "--mpi", a["mpi"]] + (["--guard-memory"] if a["guard_memory"] else [])
               + (["--clean"] if a["clean"] else []) + [a["sample"]]))' "$dir/check_sample.json" "$dir")
  how="from logs"
  if [ "${args%% *}" = rerun ]; then
    args=${args#rerun }
    how="run"
  fi
  # shellcheck disable=SC2086  # paths of the tree and build dirs have no spaces
  if out=$(python3 tests/integration/check_sample.py --rmacheck build-asan/bin/rmacheck $args 2>&1); then
    echo "PASS ($how) $(basename "$dir")"
  else
    echo "$out"
    echo "FAIL ($how) $(basename "$dir")"
    return 1
  fi
}
export -f check_again
echo "== $(ls "$logs" | wc -l) sample runs again ($logs): Open MPI ones with guarded pages whole, under the UBSan interposer; the rest from their logs"
failed=0
# RMACHECK_SAMPLE_LOGS must not be set here: check_sample.py would keep these runs' logs over the old ones.
find "$logs" -mindepth 2 -maxdepth 2 -name check_sample.json -printf '%h\0' | sort -z |
  env -u RMACHECK_SAMPLE_LOGS xargs -0 -P 2 -I{} bash -c 'check_again "$1"' _ {} > build-asan/check_again.log || failed=1
grep -c '^PASS (run)' build-asan/check_again.log | sed 's/^/passed, run again whole: /' || true
grep -c '^PASS (from logs)' build-asan/check_again.log | sed 's/^/passed, analyzed again from their logs: /' || true
if [ "$failed" -ne 0 ]; then
  grep -v '^PASS' build-asan/check_again.log
  echo "test-sanitize: a sanitized run or analysis failed (above; all in build-asan/check_again.log)"
  exit 1
fi
echo "test-sanitize: no sanitizer report"
