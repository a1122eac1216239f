#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs the whole test suite
# (GoogleTest unit tests and the sample/integration tests) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRMACHECK_WERROR=ON -DRMACHECK_MPICH=ON   # warnings are errors here (and in CI); MPICH samples too
cmake --build build -j2
cd build
ctest --output-on-failure -j2 "$@"
