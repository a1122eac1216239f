#!/usr/bin/env bash
# Builds the libFuzzer target over the analyzer (clang-14, AddressSanitizer and
# UBSan, in build-fuzz/) and runs it from the seed corpus (docs/fuzzing.md).
#
# usage: scripts/fuzz.sh [--seconds N] [--jobs J] [--build-dir DIR]
#   --seconds N   stop after N seconds (default 60: the bounded run of ctest's fuzz.short)
#   --jobs J      J fuzzing processes in parallel (default 1)
# Inputs that crash land in DIR/crashes/; each one becomes a regression input:
# copy it to tests/fuzz/regressions/ (fuzz.replay runs them all). New coverage
# inputs collect in DIR/corpus/ (not in the tree). Exit status: 0 nothing found,
# 1 a crash, a sanitizer report, a timeout or an out-of-memory, 77 no libFuzzer here.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
jobs=1
build=build-fuzz
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    *) echo "usage: scripts/fuzz.sh [--seconds N] [--jobs J] [--build-dir DIR]" >&2; exit 2 ;;
  esac
done
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
if ! command -v clang++-14 > /dev/null ||
   ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
     clang++-14 -fsanitize=fuzzer,address,undefined -x c++ - -o "$probe/probe" 2> "$probe/err"; then
  echo "SKIP fuzz: clang++-14 with libFuzzer is not installed (apt-get install clang-14)"
  exit 77
fi
# -O1 with line tables only: the usual fuzzing build, and it compiles several times faster than -O2 -g.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DRMACHECK_SANITIZE=address,undefined -DRMACHECK_FUZZ=ON > "$probe/configure.log" || { cat "$probe/configure.log"; exit 1; }
nice -n 10 cmake --build "$build" -j2 --target rmacheck_fuzz
mkdir -p "$build/corpus" "$build/crashes"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
# The first directory gets the new inputs; the tree's seeds and regressions are read only.
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-fork="$jobs" -ignore_crashes=0)
"$build/bin/rmacheck_fuzz" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=262144 \
  "${parallel[@]}" -artifact_prefix="$build/crashes/" -print_final_stats=1 \
  "$build/corpus" tests/fuzz/corpus tests/fuzz/regressions
