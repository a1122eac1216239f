#!/bin/bash
# Bounded logging of the program's own accesses with either compiler: the
# stencil (samples/local_stencil_fixed.c) and the transpose
# (tests/bench/local_transpose.c), built with `rmacheck mpicc -O2` by GCC and
# by clang-14 (OMPI_CC), log a handful of local-access records per rank,
# not one per element (clang once logged 7,000 for the stencil and 98,000
# for the transpose here: its unrolled loops' interleaved runs).
#   bounded_local_log.sh RMACHECK CLANG
set -euo pipefail
RMACHECK=$1 CLANG=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/rmacheck-bounded-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail=0
for compiler in gcc "$CLANG"; do
  for prog in stencil transpose; do
    case $prog in
      stencil) src=$SRC/samples/local_stencil_fixed.c args="2000 3" ;;
      transpose) src=$SRC/tests/bench/local_transpose.c args="256 2" ;;
    esac
    name=$(basename "$compiler")-$prog
    OMPI_CC=$compiler "$RMACHECK" mpicc -O2 -g "$src" -o "$WORK/$name" -lm
    "$RMACHECK" run -n 2 --timeout 120 --out "$WORK/log-$name" -- "$WORK/$name" $args > /dev/null 2>&1 || true
    records=$("$RMACHECK" dump "$WORK/log-$name" | /usr/bin/python3 -c '
import json, sys
print(sum(1 for line in sys.stdin if json.loads(line).get("call") in ("load", "store")))')
    # Both ranks: 28 for the stencil with either compiler, 8 for the transpose; per element: thousands.
    if [ "$records" -gt 100 ] || [ "$records" -eq 0 ]; then
      echo "FAIL $name: $records local-access records (expected a handful)"
      fail=1
    else
      echo "ok   $name: $records local-access records"
    fi
  done
done
exit $fail
