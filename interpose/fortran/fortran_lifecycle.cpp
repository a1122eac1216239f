// The Fortran MPI_INIT, MPI_INIT_THREAD and MPI_FINALIZE: like their C
// wrappers (lifecycle.cpp) they open and close the log, so they are written
// by hand; they call those wrappers. Also Fortran's special buffer addresses.
#include <dlfcn.h>
#include <mpi.h>

#include "fortran_support.h"

namespace rmacheck {

namespace {
// Open MPI's common blocks behind Fortran's MPI_BOTTOM and MPI_IN_PLACE (libmpi.so), found once.
struct FortranConstants {
  const void* bottom = dlsym(RTLD_DEFAULT, "mpi_fortran_bottom_");
  const void* in_place = dlsym(RTLD_DEFAULT, "mpi_fortran_in_place_");
};
const FortranConstants& constants() {
  static const FortranConstants c;
  return c;
}
}  // namespace

const void* fortran_buffer(const void* p) {
  if (p && p == constants().bottom) return MPI_BOTTOM;
  if (p && p == constants().in_place) return MPI_IN_PLACE;
  return p;
}
void* fortran_buffer(void* p) { return const_cast<void*>(fortran_buffer(static_cast<const void*>(p))); }

}  // namespace rmacheck

using namespace rmacheck;

extern "C" void rmacheck_fortran_init(MPI_Fint* ierror) {
  const int rc = MPI_Init(nullptr, nullptr);
  if (ierror) *ierror = rc;
}
RMACHECK_FORTRAN_NAMES(rmacheck_fortran_init, mpi_init, MPI_INIT, ompi_init_f)

extern "C" void rmacheck_fortran_init_thread(const MPI_Fint* required, MPI_Fint* provided, MPI_Fint* ierror) {
  int p = 0;
  const int rc = MPI_Init_thread(nullptr, nullptr, *required, &p);
  if (provided) *provided = p;
  if (ierror) *ierror = rc;
}
RMACHECK_FORTRAN_NAMES(rmacheck_fortran_init_thread, mpi_init_thread, MPI_INIT_THREAD, ompi_init_thread_f)

extern "C" void rmacheck_fortran_finalize(MPI_Fint* ierror) {
  const int rc = MPI_Finalize();
  if (ierror) *ierror = rc;
}
RMACHECK_FORTRAN_NAMES(rmacheck_fortran_finalize, mpi_finalize, MPI_FINALIZE, ompi_finalize_f)
