#!/bin/bash
# Cost of checking the program's own loads and stores (rmacheck mpicc).
#
#   tests/bench/run_local_access_bench.sh BUILD_DIR [ROUNDS]
#
# Builds, at -O2, the stencil (samples/local_stencil_fixed.c), the
# transpose (local_transpose.c) and the fast-path loop (local_fastpath.c)
# twice: plain (mpicc) and instrumented (rmacheck mpicc). Each program
# times its own compute loop (MPI_Wtime), so start-up and analysis are not
# counted. Variants, interleaved over ROUNDS runs, median printed:
#   plain         the plain build, run by mpirun
#   instr-alone   the instrumented build run without rmacheck (nothing is
#                 watched: every access costs the fast-path check only)
#   instr-checked the instrumented build under `rmacheck run` (logging)
# Then: slowdown = instr-checked / plain; log bytes per interval (bytes of
# local-access records per MPI call of rank 0) and local records per
# interval; fast path: ns per unwatched load (instrumented minus plain,
# under rmacheck, a window watched) and ns per watched load, built without the loop plugin.
# RMACHECK_LOOP_RANGES=0 in the environment: every program built without the loop plugin (the
# numbers before it; interpose/gcc_plugin).
set -euo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [ROUNDS]}" && pwd)
ROUNDS=${2:-3}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RMACHECK=$BUILD/bin/rmacheck
MPIRUN=${MPIRUN:-mpirun.openmpi}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
WORK=$(mktemp -d /tmp/rmacheck-lbench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

declare -A SOURCE=([stencil]=$SRC/samples/local_stencil_fixed.c [transpose]=$SRC/tests/bench/local_transpose.c
                   [fastpath]=$SRC/tests/bench/local_fastpath.c)
declare -A ARGS=([stencil]="200000 300" [transpose]="768 12" [fastpath]="300")
# The fast-path loop without the loop plugin (RMACHECK_LOOP_RANGES=0): with it, its loop is one range
# check and the per-access cost it measures (that of every loop the plugin leaves per element) vanishes.
declare -A LOOP_RANGES=([stencil]=1 [transpose]=1 [fastpath]=0)
for p in stencil transpose fastpath; do
  mpicc.openmpi -O2 -g "${SOURCE[$p]}" -o "$WORK/$p.plain" -lm
  RMACHECK_LOOP_RANGES=${RMACHECK_LOOP_RANGES:-${LOOP_RANGES[$p]}} "$RMACHECK" mpicc -O2 -g "${SOURCE[$p]}" -o "$WORK/$p.instr" -lm
done

# time_of OUTPUT: the compute time the program printed (last number before "s" or after "time").
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for r in $(seq "$ROUNDS"); do
  for p in stencil transpose; do
    t=$(timeout 300 $MPIRUN -n 2 "$WORK/$p.plain" ${ARGS[$p]} | grep -oE '[0-9.]+ s$|time [0-9.]+' | grep -oE '[0-9.]+')
    echo "$t" >> "$WORK/$p.plain.t"
    t=$(timeout 300 $MPIRUN -n 2 "$WORK/$p.instr" ${ARGS[$p]} | grep -oE '[0-9.]+ s$|time [0-9.]+' | grep -oE '[0-9.]+')
    echo "$t" >> "$WORK/$p.alone.t"
    rm -rf "$WORK/log-$p"
    t=$(timeout 300 "$RMACHECK" run -n 2 --out "$WORK/log-$p" -- "$WORK/$p.instr" ${ARGS[$p]} 2>/dev/null |
        grep -oE '[0-9.]+ s$|time [0-9.]+' | grep -oE '[0-9.]+')
    echo "$t" >> "$WORK/$p.checked.t"
  done
done

printf '%-10s %12s %12s %14s %9s %9s %14s %14s\n' program plain_s instr_alone_s instr_checked_s alone_x checked_x \
  bytes/interval records/interval
for p in stencil transpose; do
  pl=$(median < "$WORK/$p.plain.t"); al=$(median < "$WORK/$p.alone.t"); ch=$(median < "$WORK/$p.checked.t")
  stats=$("$RMACHECK" dump "$WORK/log-$p" | /usr/bin/python3 -c '
import json, sys
calls = local = 0
for line in sys.stdin:
    e = json.loads(line)
    if e.get("rank") != 0 or "call" not in e: continue
    if e["call"] in ("load", "store"): local += 1
    else: calls += 1
print(calls, local)')
  read -r calls local <<< "$stats"
  # Bytes of local records: the log of rank 0 minus the same run's MPI-call records, estimated from a
  # run of the plain build under rmacheck (same calls, no local records).
  rm -rf "$WORK/plainlog"
  timeout 300 "$RMACHECK" run -n 2 --out "$WORK/plainlog" -- "$WORK/$p.plain" ${ARGS[$p]} > /dev/null 2>&1 || true
  lb=$(( $(stat -c %s "$WORK/log-$p/rank-0.log") - $(stat -c %s "$WORK/plainlog/rank-0.log") ))
  printf '%-10s %12s %12s %14s %9.2f %9.2f %14.1f %14.2f\n' "$p" "$pl" "$al" "$ch" \
    "$(echo "$al / $pl" | bc -l)" "$(echo "$ch / $pl" | bc -l)" "$(echo "$lb / $calls" | bc -l)" \
    "$(echo "$local / $calls" | bc -l)"
done

# Fast path: ns per load, instrumented minus plain, with a window watched (under rmacheck).
out_plain=$(timeout 300 $MPIRUN -n 1 "$WORK/fastpath.plain" ${ARGS[fastpath]})
out_instr=$(timeout 300 "$RMACHECK" run -n 1 --out "$WORK/log-fast" -- "$WORK/fastpath.instr" ${ARGS[fastpath]} 2>/dev/null | grep local_fastpath)
/usr/bin/python3 - "$out_plain" "$out_instr" <<'PY'
import re, sys
def nums(s):
    m = re.search(r"unwatched ([0-9.]+) watched ([0-9.]+) accesses ([0-9]+)", s)
    return float(m.group(1)), float(m.group(2)), int(m.group(3))
pu, pw, n = nums(sys.argv[1])
iu, iw, _ = nums(sys.argv[2])
print(f"fast path: {(iu - pu) * 1e9 / n:.2f} ns added per unwatched load (plain load {pu * 1e9 / n:.2f} ns), "
      f"{(iw - pw) * 1e9 / n:.2f} ns added per watched load (all in one interval)")
PY
