// Generates one PMPI wrapper per RMACHECK_WRAP entry of mpi_calls.def.
#include <mpi.h>

#include "recorder.h"
#include "runtime.h"

using namespace rmacheck;

// (a; b;) -> a; b;
#define RMACHECK_STATEMENTS(...) __VA_ARGS__

#define RMACHECK_CAT(a, b) RMACHECK_CAT_(a, b)
#define RMACHECK_CAT_(a, b) a##b
// The input fields. A wrapper that adds nothing after the call may skip them (the call repeats the
// thread's last one: recorder.h); one that does keeps its declarations of `before` in scope for `after`.
#define RMACHECK_INPUTS(needed, before, after) RMACHECK_INPUTS_(needed, before, RMACHECK_STATEMENTS after)
#define RMACHECK_INPUTS_(needed, before, ...) RMACHECK_CAT(RMACHECK_INPUTS_IF, __VA_OPT__(_OUTPUTS))(needed, before)
#define RMACHECK_INPUTS_IF(needed, before) \
  if (needed) {                            \
    RMACHECK_STATEMENTS before             \
  }
#define RMACHECK_INPUTS_IF_OUTPUTS(needed, before) \
  needed;                                          \
  RMACHECK_STATEMENTS before

// One wrapper: record inputs, log the entry, call the PMPI entry point, log outputs.
#define RMACHECK_DEFINE_WRAPPER(api, pmpi, id, params, args, before, after)         \
  RMACHECK_API int api params {                                                     \
    if (!recording()) return pmpi args;                                             \
    Recorder R(id, __builtin_return_address(0));                                    \
    constexpr bool kRepeatable = repeatable_call<decltype(&pmpi)>(#params, #after); \
    RMACHECK_INPUTS(R.needs_fields<kRepeatable> args, before, after)                \
    R.enter();                                                                      \
    const int rc = pmpi args;                                                       \
    R.exit(rc);                                                                     \
    RMACHECK_STATEMENTS after R.finish();                                           \
    return rc;                                                                      \
  }

#define RMACHECK_WRAP(name, params, args, before, after) \
  RMACHECK_DEFINE_WRAPPER(MPI_##name, PMPI_##name, kCall_##name, params, args, before, after)
#define RMACHECK_MANUAL(name)

// MPI-4 calls. Persistent collectives (RMACHECK_WRAP_MPIX) are MPI_Name in an MPI-4 library
// (MPICH 4) and MPIX_Name in Open MPI 4.1 (mpi-ext.h, pcollreq): one entry, one call id, the
// spelling the library has. Partitioned communication (RMACHECK_WRAP_MPI4) exists only as
// MPI_Name in an MPI-4 library; Open MPI 4.1 has no such calls, so nothing is generated there.
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#endif
#if defined(OMPI_HAVE_MPI_EXT_PCOLLREQ) && OMPI_HAVE_MPI_EXT_PCOLLREQ
#define RMACHECK_WRAP_MPIX(name, params, args, before, after) \
  RMACHECK_DEFINE_WRAPPER(MPIX_##name, PMPIX_##name, kCall_X_##name, params, args, before, after)
#elif MPI_VERSION >= 4
#define RMACHECK_WRAP_MPIX(name, params, args, before, after) \
  RMACHECK_DEFINE_WRAPPER(MPI_##name, PMPI_##name, kCall_X_##name, params, args, before, after)
#else
#define RMACHECK_WRAP_MPIX(name, params, args, before, after)
#endif
#if MPI_VERSION >= 4
#define RMACHECK_WRAP_MPI4(name, params, args, before, after) \
  RMACHECK_DEFINE_WRAPPER(MPI_##name, PMPI_##name, kCall_##name, params, args, before, after)
#else
#define RMACHECK_WRAP_MPI4(name, params, args, before, after)
#endif
#include "mpi_calls.def"
