#!/bin/bash
# Added cost of librmacheck.so per MPI call, and log bytes per event.
#
#   tests/bench/run_interpose_overhead.sh BUILD_DIR [ITERS] [REPS] [ROUNDS]
#
# For each loop of interpose_overhead (put: MPI_Put + MPI_Win_flush in a
# lock_all epoch, to a new displacement each time; halo: the same Put every time; halo2: two Puts from two lines + one flush; get, acc: MPI_Get or MPI_Accumulate + MPI_Win_flush the
# same way; fence: MPI_Put + MPI_Win_fence, one fence epoch per iteration,
# latency bound; start: MPI_Start + MPI_Wait on a persistent send/recv pair
# of each rank with itself; pingpong: the same between the two ranks,
# latency bound and noisier; isend: MPI_Irecv + MPI_Isend + MPI_Waitall of
# each rank with itself) and each variant:
#   none      the program alone
#   disabled  librmacheck.so preloaded with RMACHECK_DISABLE=1: the wrappers
#             run, nothing is recorded (the bare PMPI indirection + check)
#   recording librmacheck.so preloaded, logging every call
#   stack8    recording with RMACHECK_STACK_DEPTH=8 (a backtrace per call)
# it runs the job ROUNDS times (variants interleaved, so drift in machine
# load hits them alike), each with REPS timed repetitions of ITERS
# iterations, and prints the median. One iteration is 2 (put, get, acc, fence, py*), 3 (isend, halo2) or 4
# MPI calls per rank; ns/call is ns/iteration divided by that. The Python
# loops (py0, py3000: interpose_overhead.py) run ITERS/10 iterations.
# +cpu ns/call: the same from the thread CPU time (stable on a shared machine).
# Bytes/event: log bytes (records, without the 4 KiB header) per logged MPI
# call, for the C loops.
set -euo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [ITERS] [REPS] [ROUNDS]}" && pwd)
ITERS=${2:-200000}
REPS=${3:-5}
ROUNDS=${4:-3}
PROG=$BUILD/tests/bench/interpose_overhead
LIB=$BUILD/lib/librmacheck.so
MPIRUN=${MPIRUN:-mpirun.openmpi}
for f in "$PROG" "$LIB"; do [ -e "$f" ] || { echo "missing $f (build targets interpose_overhead and rmacheck_interpose)" >&2; exit 2; }; done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
WORK=$(mktemp -d /tmp/rmacheck-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# run_one LOOP VARIANT -> appends "ns_per_iter" lines to $WORK/LOOP.VARIANT.ns, bytes/event to .bytes
run_one() {
  local loop=$1 variant=$2 logdir=$WORK/logs
  local -a env=()
  case $variant in
    none) ;;
    disabled) env=(-x LD_PRELOAD="$LIB" -x RMACHECK_DISABLE=1 -x RMACHECK_DIR="$logdir") ;;
    recording) env=(-x LD_PRELOAD="$LIB" -x RMACHECK_DIR="$logdir") ;;
    stack8) env=(-x LD_PRELOAD="$LIB" -x RMACHECK_DIR="$logdir" -x RMACHECK_STACK_DEPTH=8) ;;
  esac
  rm -rf "$logdir"
  local out
  local -a cmd=("$PROG" "$loop" "$ITERS" "$REPS")
  case $loop in  # Python is ~50x slower per iteration: a tenth of the iterations
    py*) cmd=("$PYTHON" "$(dirname "$0")/interpose_overhead.py" $((ITERS / 10)) "$REPS" "${loop#py}") ;;
  esac
  out=$(timeout 900 "$MPIRUN" -n 2 --bind-to none "${env[@]}" "${cmd[@]}")
  awk '$1 == "rep" { print $4 }' <<<"$out" >>"$WORK/$loop.$variant.ns"
  awk '$1 == "rep" { print ($6 == "" ? $4 : $6) }' <<<"$out" >>"$WORK/$loop.$variant.cpu"
  awk '$1 == "calls_per_iter" { print $2 }' <<<"$out" >"$WORK/$loop.calls"
  local calls bytes
  calls=$(awk '$1 == "calls_logged_per_rank" { print $2 }' <<<"$out")
  if [ -n "$calls" ] && ls "$logdir"/rank-*.log >/dev/null 2>&1; then
    bytes=$(stat -c %s "$logdir"/rank-*.log | awk '{ s += $1 - 4096 } END { print s }')
    echo "$bytes $calls" | awk '{ printf "%.1f\n", $1 / (2 * $2) }' >>"$WORK/$loop.$variant.bytes"
  fi
  rm -rf "$logdir"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# e.g. LOOPS="put start" on a loaded machine (pingpong and fence wait on the peer)
LOOPS=${LOOPS:-put halo halo2 get acc fence start isend pingpong}
# mpi4py loops (win.Put + win.Flush), when /usr/bin/python3 has mpi4py:
# py0 with the loop in a short module, py3000 after 3000 lines of module code.
PYTHON=/usr/bin/python3
if [ -z "${NO_PY:-}" ] && "$PYTHON" -c 'import mpi4py, numpy' 2>/dev/null; then LOOPS="$LOOPS py0 py3000"; fi
VARIANTS=${VARIANTS:-none disabled recording stack8}  # e.g. VARIANTS="none recording" for a quick before/after
for round in $(seq 1 "$ROUNDS"); do
  for loop in $LOOPS; do
    for variant in $VARIANTS; do
      echo "round $round/$ROUNDS: $loop $variant" >&2
      run_one "$loop" "$variant"
    done
  done
done

echo
echo "interpose_overhead: 2 ranks, $ITERS iterations x $REPS reps x $ROUNDS rounds, median; $(nproc) cores"
printf '%-24s %-10s %10s %10s %14s %12s %14s\n' loop variant ns/iter ns/call "+ns/call" bytes/event "+cpu ns/call"
for loop in $LOOPS; do
  base=$(median <"$WORK/$loop.none.ns")
  cbase=$(median <"$WORK/$loop.none.cpu")
  per=$(cat "$WORK/$loop.calls")
  case $loop in
    put) name="Put+Win_flush" ;;
    halo) name="same Put+Win_flush" ;;
    halo2) name="2 Puts (2 lines)+flush" ;;
    get) name="Get+Win_flush" ;;
    acc) name="Accumulate+Win_flush" ;;
    fence) name="Put+Win_fence" ;;
    start) name="Start+Wait (self pair)" ;;
    pingpong) name="Start+Wait (ping-pong)" ;;
    isend) name="Irecv+Isend+Waitall" ;;
    *) name="py Put+Flush (pad ${loop#py})" ;;
  esac
  for variant in $VARIANTS; do
    ns=$(median <"$WORK/$loop.$variant.ns")
    cpu=$(median <"$WORK/$loop.$variant.cpu")
    bytes=$( [ -s "$WORK/$loop.$variant.bytes" ] && median <"$WORK/$loop.$variant.bytes" || echo "-")
    awk -v l="$name" -v v="$variant" -v ns="$ns" -v base="$base" -v b="$bytes" -v k="$per" -v c="$cpu" -v cb="$cbase" \
      'BEGIN { printf "%-24s %-10s %10.1f %10.1f %14s %12s %14s\n", l, v, ns, ns / k, (v == "none" ? "-" : sprintf("%+.1f", (ns - base) / k)), b, (v == "none" ? "-" : sprintf("%+.1f", (c - cb) / k)) }'
  done
done
