#!/usr/bin/env bash
# Installs every Debian package rmacheck needs to build, test and run its demo.
# Idempotent: packages already present are skipped by apt.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config
  libopenmpi-dev openmpi-bin            # the MPI we interpose on (Open MPI 4.1)
  libmpich-dev mpich                    # the second interposer build (MPICH 4.0, its ABI family)
  gfortran                              # Fortran samples (use mpi / mpif.h) for both MPIs
  python3-mpi4py python3-numpy          # mpi4py samples, for /usr/bin/python3
  nlohmann-json3-dev                    # report/dump JSON
  googletest libgtest-dev               # unit tests
  libdw-dev libelf-dev                  # elfutils: offline DWARF symbolization
  libclang-14-dev clang-14              # rmacheck lint (analyzer/lint/)
  gcc-12-plugin-dev                     # rmacheck mpicc's loop plugin (interpose/gcc_plugin/)
  clang-format-14                       # the tree's format check (tests/style)
  libomp-14-dev                         # OpenMP samples built a second time with clang-14 (LLVM libomp, OMPT)
  libclang-rt-14-dev                    # libFuzzer and the sanitizer runtimes (tests/fuzz, scripts/test-sanitize.sh)
  libzydis-dev                          # --guard-memory: decoding the faulting instruction
  python3-dev                           # --guard-memory: reading mpi4py programs' Python frames
  chromium                              # the HTML report's browser test (headless)
  python3-jsonschema                    # SARIF output validated against its schema
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
