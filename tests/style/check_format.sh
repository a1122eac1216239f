#!/usr/bin/env bash
# Fails when a C++ source of the project differs from what clang-format
# (.clang-format at the top) makes of it. Fix with:
#   clang-format -i $(git ls-files 'analyzer/*.cpp' 'analyzer/*.h' 'interpose/*.cpp' 'interpose/*.h' 'tests/*.cpp' 'tests/*.h')
set -euo pipefail
cd "$(dirname "$0")/../.."
fmt=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$fmt" ] || { echo "check_format: clang-format not installed (scripts/setup-debian.sh installs it)"; exit 1; }
mapfile -t files < <(git ls-files 'analyzer/*.cpp' 'analyzer/*.h' 'interpose/*.cpp' 'interpose/*.h' 'tests/*.cpp' 'tests/*.h' 2>/dev/null ||
                     find analyzer interpose tests -name '*.cpp' -o -name '*.h')
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! "$fmt" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "check_format: $f is not formatted (clang-format -i $f)"
    bad=1
  fi
done
exit $bad
