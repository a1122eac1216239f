// What the generated Fortran entry points (gen_fortran_entries.py) and the
// hand-written ones (fortran_lifecycle.cpp) share: exporting one function
// under every Fortran name of a call, and Fortran's special addresses.
//
// Built into Open MPI's interposer only: Open MPI's Fortran bindings call
// PMPI_* themselves, while MPICH's mpif.h / `use mpi` bindings call the C
// MPI_* functions, which the C wrappers intercept already.
#pragma once

#include <mpi.h>

#include <cstddef>

namespace rmacheck {

static_assert(sizeof(MPI_Fint) == sizeof(int), "Fortran INTEGER handles and counts are C ints here");

// MPI_STATUS_SIZE: Fortran statuses are arrays of this many INTEGERs.
constexpr size_t kFortranStatusSize = sizeof(MPI_Status) / sizeof(MPI_Fint);

// Fortran's MPI_BOTTOM and MPI_IN_PLACE are the addresses of Open MPI's common
// blocks, not C's constants: a buffer argument at one of them becomes the C value.
const void* fortran_buffer(const void* p);
void* fortran_buffer(void* p);
inline bool fortran_status_ignore(const MPI_Fint* s) { return s == MPI_F_STATUS_IGNORE; }
inline bool fortran_statuses_ignore(const MPI_Fint* s) { return s == MPI_F_STATUSES_IGNORE; }

}  // namespace rmacheck

// Exports TARGET (the C++ body, hidden) under the names gfortran and other
// compilers use for a call (mpi_put_, mpi_put__, mpi_put, MPI_PUT) and under
// Open MPI's ompi_put_f, which its mpi_f08 bindings call through the PLT.
#define RMACHECK_FORTRAN_ALIAS(target, alias) \
  __asm__(".globl " #alias "\n.type " #alias ", @function\n.set " #alias ", " #target "\n");
#define RMACHECK_FORTRAN_NAMES(target, lower, upper, ompi) \
  RMACHECK_FORTRAN_ALIAS(target, lower)                    \
  RMACHECK_FORTRAN_ALIAS(target, lower##_)                 \
  RMACHECK_FORTRAN_ALIAS(target, lower##__) RMACHECK_FORTRAN_ALIAS(target, upper) RMACHECK_FORTRAN_ALIAS(target, ompi)
