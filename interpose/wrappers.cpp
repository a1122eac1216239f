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
#include "mpi_calls.def"
