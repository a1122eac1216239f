#!/bin/bash
# The drop-in routes of `rmacheck mpicc` work and give an instrumented program:
#   make:  make CC="rmacheck mpicc"
#   cmake: CMAKE_C_COMPILER_LAUNCHER / CMAKE_C_LINKER_LAUNCHER = "rmacheck;cc"
# and the program built so finds the race of local_target_fence_bug.c.
#   instrumented_build.sh RMACHECK MODE(make|cmake)
set -euo pipefail
RMACHECK=$1 MODE=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/rmacheck-ibuild-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
case $MODE in
  make)
    printf 'fence_local: fence_local.o\n\t$(CC) -o $@ $^\nfence_local.o: %s\n\t$(CC) -g -O0 -c -o $@ $<\n' \
      "$SRC/samples/local_target_fence_bug.c" > "$WORK/Makefile"
    make -s -C "$WORK" CC="$RMACHECK mpicc" > /dev/null
    ;;
  cmake)
    cmake -S "$SRC/tests/integration/cmake_project" -B "$WORK" -DCMAKE_C_COMPILER=mpicc.openmpi \
      -DCMAKE_C_COMPILER_LAUNCHER="$RMACHECK;cc" -DCMAKE_C_LINKER_LAUNCHER="$RMACHECK;cc" \
      -DCMAKE_C_FLAGS="-g -O0" > /dev/null
    cmake --build "$WORK" > /dev/null
    ;;
esac
# (nm's and ldd's output captured first: grep -q leaving early would fail them with SIGPIPE under pipefail)
undefined=$(nm -u "$WORK/fence_local")
grep -q __tsan_init <<< "$undefined" || { echo "FAIL $MODE: the program is not instrumented"; exit 1; }
# The per-access entry points are linked in (direct calls: interpose/local_access/access_entries.h).
defined=$(nm --defined-only "$WORK/fence_local")
grep -q __tsan_func_entry <<< "$defined" ||
  { echo "FAIL $MODE: the access entry points were not linked into the program"; exit 1; }
libraries=$(ldd "$WORK/fence_local")
grep -q librmacheck_access.so <<< "$libraries" || { echo "FAIL $MODE: the access runtime is not linked"; exit 1; }
"$RMACHECK" run -n 2 --timeout 60 --out "$WORK/logs" -- "$WORK/fence_local" > /dev/null 2>&1 || true
out=$("$RMACHECK" analyze "$WORK/logs" --format json 2>/dev/null || true)
n=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(sum(f["kind"] == "target-local-conflict" for f in json.load(sys.stdin)["findings"]))')
[ "$n" = 6 ] || { echo "FAIL $MODE: expected 6 target-local-conflict findings, got $n"; exit 1; }
echo "PASS $MODE"
