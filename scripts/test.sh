#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs the whole test suite
# (GoogleTest unit tests and the sample/integration tests) through ctest,
# then the sanitizer pass (scripts/test-sanitize.sh: the analyzer and its unit
# tests under AddressSanitizer and UBSan, the guarded sample runs again with a
# UBSan interposer, the other sample runs re-analyzed from the logs they
# kept). Arguments go to ctest and skip the sanitizer
# pass: `bash scripts/test.sh -R sample-c` runs a part of the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRMACHECK_WERROR=ON -DRMACHECK_MPICH=ON   # warnings are errors here (and in CI); MPICH samples too
cmake --build build -j2
if [ $# -gt 0 ]; then
  (cd build && ctest --output-on-failure -j2 "$@")
  exit
fi
# Every passing sample run leaves its logs here for the sanitized analyzer (no MPI job runs twice).
rm -rf build/sample-logs
(cd build && RMACHECK_SAMPLE_LOGS=$PWD/sample-logs ctest --output-on-failure -j2)
bash scripts/test-sanitize.sh --logs build/sample-logs
