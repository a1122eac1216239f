#!/usr/bin/env bash
# Sets everything up, builds, and runs the checker on bundled samples,
# printing each report. Pass sample file names to choose others.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh || exit 2
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build build -j2 >/dev/null || exit 2

default_samples=(fence_put.py persistent_ring.py persistent_ring_leak.py fence_mismatch_hang.py
                 race_put_put_fence_bug.c race_put_put_fence_fixed.c epoch_lock_in_fence_bug.c request_leak_persistent_bug.c)
samples=("$@")
[ ${#samples[@]} -gt 0 ] || samples=("${default_samples[@]}")

for s in "${samples[@]}"; do
  src=samples/$s
  [ -f "$src" ] || continue
  ranks=$(sed -n 's/.*rmacheck-sample:.*ranks=\([0-9]*\).*/\1/p;T;q' "$src")
  timeout=$(sed -n 's/.*rmacheck-sample:.*timeout=\([0-9]*\).*/\1/p;T;q' "$src")
  case "$s" in
    *.py) prog=(/usr/bin/python3 -m mpi4py "$src") ;;
    *) prog=(build/samples/"${s%.*}") ;;
  esac
  echo
  echo "################ $s  (rmacheck run -n ${ranks:-2} --timeout ${timeout:-60} -- ${prog[*]})"
  build/bin/rmacheck run -n "${ranks:-2}" --timeout "${timeout:-60}" --out "build/demo-logs/${s}" -- "${prog[@]}" 2>&1 |
    grep -v '^rmacheck: logs in'
  echo "(rmacheck exit status: ${PIPESTATUS[0]})"
done
