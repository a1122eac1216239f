#!/usr/bin/env bash
# Guarded pages (--guard-memory): cost per recorded fault, and the slowdown of
# a C stencil and an mpi4py/numpy stencil that compute on their window
# memory between fence epochs. Prints medians of REPEAT runs (2 ranks).
#   bash tests/bench/run_guard_bench.sh BUILD_DIR [REPEAT]
set -euo pipefail
build=$(cd "${1:?usage: run_guard_bench.sh BUILD_DIR [REPEAT]}" && pwd)
repeat=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
rmacheck=$build/bin/rmacheck
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mpicc.openmpi -O2 -o "$work/guard_fault" "$here/guard_fault.c"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# seconds reported by the program itself (rank 0), plain mpirun or under rmacheck with/without guard
timed() {  # mode label cmd...
  local mode=$1; shift
  for _ in $(seq "$repeat"); do
    case $mode in
      plain) timeout 600 mpirun.openmpi -n 2 "$@" 2>/dev/null ;;
      pt2pt) timeout 600 mpirun.openmpi -n 2 --mca btl_vader_single_copy_mechanism none --mca osc sm,pt2pt "$@" 2>/dev/null ;;
      checked) timeout 600 "$rmacheck" run -n 2 --out "$work/logs-$RANDOM" \
                 --mpirun "mpirun.openmpi --mca btl_vader_single_copy_mechanism none --mca osc sm,pt2pt" -- "$@" 2>/dev/null ;;
      guard) timeout 600 "$rmacheck" run -n 2 --out "$work/logs-$RANDOM" --guard-memory -- "$@" 2>/dev/null ;;
    esac | awk '/ s \(checksum/ {print $2}'
  done | median
}

faults=20000
echo "cost per recorded fault ($faults stores, each alone between two MPI calls):"
base=$(timed checked "$work/guard_fault" faults $faults)
guard=$(timed guard "$work/guard_fault" faults $faults)
awk -v b="$base" -v g="$guard" -v n=$faults 'BEGIN {printf "  rmacheck without guard %.3f s, with --guard-memory %.3f s: %.1f us per interval with one fault (the fault, its step, and opening/protecting the page at the two MPI calls)\n", b, g, (g-b)/n*1e6}'

for spec in "C stencil:$work/guard_fault stencil 200000 200" \
            "mpi4py stencil:/usr/bin/python3 -m mpi4py $here/guard_stencil.py 200000 200"; do
  label=${spec%%:*}; cmd=${spec#*:}
  # shellcheck disable=SC2086
  p=$(timed plain $cmd); q=$(timed pt2pt $cmd); g=$(timed guard $cmd)
  awk -v l="$label" -v p="$p" -v q="$q" -v g="$g" 'BEGIN {printf "%s (200000 cells/rank, 200 steps): plain %.3f s, Open MPI guard settings %.3f s, --guard-memory %.3f s: %.1fx plain, %.1fx same settings\n", l, p, q, g, g/p, g/q}'
done
