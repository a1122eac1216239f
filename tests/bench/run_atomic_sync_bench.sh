#!/bin/bash
# Cost of atomics as thread synchronization (atomic_sync_overhead.c), ns per operation:
#
#   tests/bench/run_atomic_sync_bench.sh BUILD_DIR [ITERS]
#
# Variants: plain (mpicc -O2), instrumented alone (rmacheck mpicc, run by mpirun: no sync sink),
# instrumented under `rmacheck run` single-threaded (sink not set: nothing logged), and under
# `rmacheck run` with a second thread made first (`threads`: releases and acquires logged), with
# the log bytes that run wrote for rank 0.
set -euo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [ITERS]}" && pwd)
ITERS=${2:-5000000}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RMACHECK=$BUILD/bin/rmacheck
MPIRUN=${MPIRUN:-mpirun.openmpi}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
WORK=$(mktemp -d /tmp/rmacheck-abench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mpicc.openmpi -O2 -g "$SRC/tests/bench/atomic_sync_overhead.c" -o "$WORK/plain"
"$RMACHECK" mpicc -O2 -g "$SRC/tests/bench/atomic_sync_overhead.c" -o "$WORK/instr"
echo "plain:               $(timeout 300 $MPIRUN -n 1 "$WORK/plain" "$ITERS" threads)"
echo "instrumented alone:  $(timeout 300 $MPIRUN -n 1 "$WORK/instr" "$ITERS" threads)"
echo "rmacheck, 1 thread:  $(timeout 300 "$RMACHECK" run -n 1 --out "$WORK/log1" -- "$WORK/instr" "$ITERS" 2>/dev/null | grep ns)"
echo "rmacheck, threads:   $(timeout 300 "$RMACHECK" run -n 1 --out "$WORK/log2" -- "$WORK/instr" "$ITERS" threads 2>/dev/null | grep ns)"
echo "log bytes, rank 0:   1 thread $(stat -c %s "$WORK/log1/rank-0.log"), threads $(stat -c %s "$WORK/log2/rank-0.log")"
