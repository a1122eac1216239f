#!/usr/bin/env bash
# The unit and integration tests once more, with the analyzer (rmacheck, its
# library and the unit tests) built under AddressSanitizer and UBSan in
# build-asan/. Any sanitizer report fails its test (halt_on_error, no
# recovery). The interposer is built plainly: it is preloaded into MPI
# programs that carry no sanitizer runtime (CMakeLists.txt, RMACHECK_SANITIZE).
# Extra arguments go to ctest (e.g. -R sample.fence).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRMACHECK_WERROR=ON -DRMACHECK_SANITIZE=address,undefined
cmake --build build-asan -j2
cd build-asan
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --output-on-failure -j2 -L "unit|integration" -E "^fuzz\.short$" "$@"
