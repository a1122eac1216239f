// Ids of the wrapped MPI calls, one per entry of mpi_calls.def. Shared with
// the analyzer, which only needs the names (the .def's argument lists are
// never expanded there).
#pragma once

namespace rmacheck {

enum CallId : int {
#define RMACHECK_WRAP(name, ...) kCall_##name,
#define RMACHECK_MANUAL(name) kCall_##name,
#define RMACHECK_WRAP_MPIX(name, ...) kCall_X_##name,
#define RMACHECK_WRAP_MPI4(name, ...) kCall_##name,
#include "mpi_calls.def"
#undef RMACHECK_WRAP
#undef RMACHECK_MANUAL
#undef RMACHECK_WRAP_MPIX
#undef RMACHECK_WRAP_MPI4
  // Not MPI calls: the program's own loads and stores (kRecLocal records), events of their own so
  // that they sit in program order among the calls of their thread.
  kCall_Local_load,
  kCall_Local_store,
  // Not MPI calls either: the program's thread synchronization (kRecThreadSync records, SyncKind order).
  kCall_Thread_release,
  kCall_Thread_acquire,
  kCall_Thread_arrive,
  kCall_Thread_depart,
  // Not an MPI call: where a stop signal found a thread outside MPI (kRecStopped records).
  kCall_Stopped,
  kCallCount
};

inline bool is_local_access(int id) { return id == kCall_Local_load || id == kCall_Local_store; }
inline bool is_thread_sync(int id) { return id >= kCall_Thread_release && id <= kCall_Thread_depart; }
// An MPI call (not a load/store or thread-synchronization event): what "the last call of a rank" means.
inline bool is_mpi_call(int id) { return id < kCall_Local_load; }

inline const char* call_name(int id) {
  static const char* const names[] = {
#define RMACHECK_WRAP(name, ...) "MPI_" #name,
#define RMACHECK_MANUAL(name) "MPI_" #name,
// Persistent collectives by the standard's name (Open MPI 4.1 spells them MPIX_).
#define RMACHECK_WRAP_MPIX(name, ...) "MPI_" #name,
#define RMACHECK_WRAP_MPI4(name, ...) "MPI_" #name,
#include "mpi_calls.def"
#undef RMACHECK_WRAP
#undef RMACHECK_MANUAL
#undef RMACHECK_WRAP_MPIX
#undef RMACHECK_WRAP_MPI4
      "load",        "store", "thread release", "thread acquire", "thread barrier arrive", "thread barrier depart",
      "outside MPI",
  };
  return id >= 0 && id < kCallCount ? names[id] : "MPI_?";
}

}  // namespace rmacheck
