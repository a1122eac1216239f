// MPI_Init, MPI_Init_thread and MPI_Finalize: the calls that open and close
// the log, so they cannot go through the generic wrapper (which records only
// while the log is open).
#include <mpi.h>

#include "handles.h"
#include "local_watch.h"
#include "recorder.h"
#include "runtime.h"

using namespace rmacheck;

namespace {
// Logs the Init call after the fact: the log only exists once MPI is up.
void record_init(CallId call, void* ret, int rc, int provided) {
  start_logging(provided);
  if (!recording()) return;
  register_comm(MPI_COMM_WORLD, /*created=*/false);
  register_comm(MPI_COMM_SELF, /*created=*/false);
  local_watch_init();
  Recorder R(call, ret);
  R.add_call_site();
  R.i(kF_thread_level, provided);
  R.enter();
  R.exit(rc);
  R.finish();
}
}  // namespace

RMACHECK_API int MPI_Init(int* argc, char*** argv) {
  local_watch_prepare_mpi();
  t_in_wrapper = t_in_pmpi = true;  // threads MPI starts in here are MPI's (thread_sync.cpp)
  const int rc = PMPI_Init(argc, argv);
  t_in_wrapper = t_in_pmpi = false;
  if (rc == MPI_SUCCESS) {
    int provided = MPI_THREAD_SINGLE;
    PMPI_Query_thread(&provided);
    record_init(kCall_Init, __builtin_return_address(0), rc, provided);
  }
  return rc;
}

RMACHECK_API int MPI_Init_thread(int* argc, char*** argv, int required, int* provided) {
  local_watch_prepare_mpi();
  required = local_watch_thread_level(required);
  t_in_wrapper = t_in_pmpi = true;  // threads MPI starts in here are MPI's (thread_sync.cpp)
  const int rc = PMPI_Init_thread(argc, argv, required, provided);
  t_in_wrapper = t_in_pmpi = false;
  if (rc == MPI_SUCCESS) record_init(kCall_Init_thread, __builtin_return_address(0), rc, *provided);
  return rc;
}

RMACHECK_API int MPI_Finalize() {
  if (!recording()) return PMPI_Finalize();
  int rc;
  {
    Recorder R(kCall_Finalize, __builtin_return_address(0));
    R.add_call_site();
    R.enter();
    rc = PMPI_Finalize();
    R.exit(rc);
    R.finish();
  }
  local_watch_stop();
  stop_logging();
  return rc;
}
