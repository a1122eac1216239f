#!/usr/bin/env bash
# The analyzer once more under AddressSanitizer (with LeakSanitizer) and UBSan,
# built in build-asan/ (build/ is not touched). Any sanitizer report fails
# (halt_on_error, abort_on_error, no recovery: -fno-sanitize-recover=all).
#
# usage: scripts/test-sanitize.sh [--logs DIR]
#
# What runs (docs/fuzzing.md, "Sanitizer builds", says why and how long):
#   1. the unit tests (analyzer_tests, lint_tests, symbolizer_test) and
#      fuzz.replay (every seed and regression input of tests/fuzz/);
#   2. the sanitized `rmacheck analyze` on the logs of every passing sample
#      run of the normal build, kept in DIR (default build/sample-logs/) by
#      check_sample.py under RMACHECK_SAMPLE_LOGS (set below when there are none),
#      each checked against its sample's header again. No MPI job is rerun:
#      the interposer is not sanitized here (it is preloaded into MPI
#      programs that carry no sanitizer runtime, which must come first in a
#      process). Without kept logs, the normal build's sample tests run once
#      first to make them.
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
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g1 -DNDEBUG" \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 \
  -DRMACHECK_WERROR=ON -DRMACHECK_SANITIZE=address,undefined > /dev/null
# Only the analyzer side: the samples and the interposers would be built plainly anyway.
nice -n 10 cmake --build build-asan -j2 --target rmacheck analyzer_tests lint_tests symbolizer_test fuzz_replay

# abort_on_error: a report ends the process with SIGABRT, which no test can take for a normal exit status.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"

echo "== unit tests and fuzz.replay under ASan+UBSan"
(cd build-asan && ctest --output-on-failure -j2 -L unit -E '^(style\.|unit\.datatype_flatten$)')

if ! compgen -G "$logs/*/check_sample.json" > /dev/null; then
  echo "== no kept sample logs in $logs: running the normal build's sample tests once to make them"
  cmake --build build -j2
  (cd build && RMACHECK_SAMPLE_LOGS=$logs ctest -j2 -R '^sample' > /dev/null) || true
fi

echo "== the sanitized analyzer on the kept logs of $(ls "$logs" | wc -l) sample runs ($logs)"
reanalyze() {
  local dir=$1 args
  args=$(python3 -c 'import json, sys
a = json.load(open(sys.argv[1]))
print(" ".join(["--sample-bin", a["sample_bin"], "--mpi", a["mpi"]] + (["--guard-memory"] if a["guard_memory"] else [])
               + (["--clean"] if a["clean"] else []) + [a["sample"]]))' "$dir/check_sample.json")
  # shellcheck disable=SC2086  # paths of the tree and build dirs have no spaces
  if out=$(python3 tests/integration/check_sample.py --rmacheck build-asan/bin/rmacheck --from-logs "$dir" $args 2>&1); then
    echo "PASS $(basename "$dir")"
  else
    echo "$out"
    echo "FAIL $(basename "$dir")"
    return 1
  fi
}
export -f reanalyze
failed=0
find "$logs" -mindepth 2 -maxdepth 2 -name check_sample.json -printf '%h\0' | sort -z |
  xargs -0 -P 2 -I{} bash -c 'reanalyze "$1"' _ {} > build-asan/reanalyze.log || failed=1
grep -c '^PASS' build-asan/reanalyze.log | sed 's/^/passed: /'
if [ "$failed" -ne 0 ]; then
  grep -v '^PASS' build-asan/reanalyze.log
  echo "test-sanitize: the sanitized analyzer failed on kept logs (above; all in build-asan/reanalyze.log)"
  exit 1
fi
echo "test-sanitize: no sanitizer report"
