// Ids of the wrapped MPI calls, one per entry of mpi_calls.def. Shared with
// the analyzer, which only needs the names (the .def's argument lists are
// never expanded there).
#pragma once

namespace rmacheck {

enum CallId : int {
#define RMACHECK_WRAP(name, ...) kCall_##name,
#define RMACHECK_MANUAL(name) kCall_##name,
#define RMACHECK_WRAP_MPIX(name, ...) kCall_X_##name,
#include "mpi_calls.def"
#undef RMACHECK_WRAP
#undef RMACHECK_MANUAL
#undef RMACHECK_WRAP_MPIX
  // Not MPI calls: the program's own loads and stores (kRecLocal records), events of their own so
  // that they sit in program order among the calls of their thread.
  kCall_Local_load,
  kCall_Local_store,
  kCallCount
};

inline bool is_local_access(int id) { return id == kCall_Local_load || id == kCall_Local_store; }

inline const char* call_name(int id) {
  static const char* const names[] = {
#define RMACHECK_WRAP(name, ...) "MPI_" #name,
#define RMACHECK_MANUAL(name) "MPI_" #name,
#define RMACHECK_WRAP_MPIX(name, ...) "MPIX_" #name,
#include "mpi_calls.def"
#undef RMACHECK_WRAP
#undef RMACHECK_MANUAL
#undef RMACHECK_WRAP_MPIX
      "load",
      "store",
  };
  return id >= 0 && id < kCallCount ? names[id] : "MPI_?";
}

// Calls that create a persistent (inactive until started) request.
inline bool is_persistent_init(int id) {
  switch (id) {
    case kCall_Send_init:
    case kCall_Bsend_init:
    case kCall_Ssend_init:
    case kCall_Rsend_init:
    case kCall_Recv_init:
    case kCall_X_Barrier_init:
    case kCall_X_Bcast_init:
    case kCall_X_Allreduce_init:
    case kCall_X_Reduce_init:
    case kCall_X_Allgather_init:
    case kCall_X_Alltoall_init:
      return true;
    default:
      return false;
  }
}

}  // namespace rmacheck
