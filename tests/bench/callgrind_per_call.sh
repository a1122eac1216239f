#!/bin/bash
# Instructions executed in librmacheck.so per logged MPI call: rank 0 of
# interpose_overhead LOOP under callgrind (rank 1 runs plainly), the
# librmacheck lines of callgrind_annotate summed and divided by the calls the
# benchmark made. Stable from run to run, unlike wall time on a shared machine.
#
#   tests/bench/callgrind_per_call.sh BUILD_DIR LOOP [ITERS]   (needs valgrind)
# RMACHECK_REPEATS=0 in the environment compares without call templates.
set -euo pipefail
if [ "${1:-}" = --rank0 ]; then  # the per-rank wrapper, run by mpirun
  shift
  if [ "$OMPI_COMM_WORLD_RANK" = 0 ]; then exec valgrind --tool=callgrind --callgrind-out-file="$CGOUT" "$@"; fi
  exec "$@"
fi
BUILD=$(cd "${1:?usage: $0 BUILD_DIR LOOP [ITERS]}" && pwd)
LOOP=${2:?usage: $0 BUILD_DIR LOOP [ITERS]}
ITERS=${3:-20000}
WORK=$(mktemp -d /tmp/rmacheck-cg-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
timeout 600 mpirun.openmpi -n 2 --bind-to none -x CGOUT="$WORK/cg.out" -x LD_PRELOAD="$BUILD/lib/librmacheck.so" \
  -x RMACHECK_DIR="$WORK/logs" -x RMACHECK_REPEATS="${RMACHECK_REPEATS:-1}" \
  bash "$0" --rank0 "$BUILD/tests/bench/interpose_overhead" "$LOOP" "$ITERS" 1 >"$WORK/stdout" 2>&1
calls=$(awk '$1 == "calls_logged_per_rank" { print $2 }' "$WORK/stdout")
ir=$(callgrind_annotate --inclusive=no "$WORK/cg.out" 2>/dev/null | grep librmacheck | awk '{ gsub(",", "", $1); s += $1 } END { print s }')
awk -v ir="$ir" -v calls="$calls" -v loop="$LOOP" \
  'BEGIN { printf "%s: %d calls, %d instructions in librmacheck.so, %.1f per call\n", loop, calls, ir, ir / calls }'
