// Generates one PMPI wrapper per RMACHECK_WRAP entry of mpi_calls.def.
#include <mpi.h>

#include "recorder.h"
#include "runtime.h"

using namespace rmacheck;

// (a; b;) -> a; b;
#define RMACHECK_STATEMENTS(...) __VA_ARGS__

#define RMACHECK_WRAP(name, params, args, before, after)       \
  RMACHECK_API int MPI_##name params {                         \
    if (!recording()) return PMPI_##name args;                 \
    Recorder R(kCall_##name, __builtin_return_address(0));     \
    RMACHECK_STATEMENTS before                                 \
    R.enter();                                                 \
    const int rc = PMPI_##name args;                           \
    R.exit(rc);                                                \
    RMACHECK_STATEMENTS after                                  \
    R.finish();                                                \
    return rc;                                                 \
  }
#define RMACHECK_MANUAL(name)

// MPI-4 persistent collectives exist in Open MPI 4.1 as MPIX_ calls (mpi-ext.h, pcollreq).
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#endif
#if defined(OMPI_HAVE_MPI_EXT_PCOLLREQ) && OMPI_HAVE_MPI_EXT_PCOLLREQ
#define RMACHECK_WRAP_MPIX(name, params, args, before, after) \
  RMACHECK_API int MPIX_##name params {                      \
    if (!recording()) return PMPIX_##name args;              \
    Recorder R(kCall_X_##name, __builtin_return_address(0)); \
    RMACHECK_STATEMENTS before                               \
    R.enter();                                               \
    const int rc = PMPIX_##name args;                        \
    R.exit(rc);                                              \
    RMACHECK_STATEMENTS after                                \
    R.finish();                                              \
    return rc;                                               \
  }
#else
#define RMACHECK_WRAP_MPIX(name, params, args, before, after)
#endif
#include "mpi_calls.def"
