// The interposer's side of local-access checking: finds the access runtime
// of an instrumented program (local_access/access_api.h), tells it which
// memory to watch as MPI calls go by, and writes the runtime's records into
// the log (kRecLocal) in the calling thread's program order, just before
// its next MPI call. Without the runtime (a program not built with
// `rmacheck mpicc`) every function here returns at once.
//
// Watched: this process's window memory from creation to Win_free (every
// flavor; a shared window's every member segment as mapped here), the
// origin and result buffers of RMA operations until a call that may
// complete them, and the buffers of active nonblocking and persistent
// requests until their completion. Watching more than needed costs log
// bytes only; the analyzer decides what conflicts.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <vector>

#include "call_ids.h"

namespace rmacheck {

// Set once at MPI_Init (local_watch_init), read on every wrapped call: the program's loads and stores
// are seen (instrumented code, or guarded pages: g_local_watch_guard).
extern bool g_local_watch_on, g_local_watch_guard;
inline bool local_watch_active() { return g_local_watch_on; }
// At MPI_Init, once the log is open: find the runtime, log the instrumented modules.
void local_watch_init();
// At every wrapper entry: the calling thread's records of the interval since its last MPI call go to the log.
void local_watch_flush_now();
inline void local_watch_flush() {
  if (g_local_watch_on) local_watch_flush_now();
}
// At MPI_Finalize: no more records.
void local_watch_stop();
// Before PMPI_Init: settings the capture needs from MPI (guarded pages: no single-copy transport).
void local_watch_prepare_mpi();
// The thread level to ask MPI for instead of `required` (guarded pages: at most MPI_THREAD_SERIALIZED).
int local_watch_thread_level(int required);
// Wrapper entry and exit of the calling thread (guarded pages open inside MPI, protected outside).
void local_watch_guard_enter();
void local_watch_guard_leave();
inline void local_watch_enter() {
  if (g_local_watch_guard) local_watch_guard_enter();
}
inline void local_watch_leave() {
  if (g_local_watch_guard) local_watch_guard_leave();
}

// What one wrapped call did that changes the watched memory; filled by the Recorder.
struct WatchFacts {
  struct Span {
    uintptr_t lo, hi;
    uint8_t kinds;  // guard::Kinds: which of the program's accesses may conflict (writes; reads too)
  };
  CallId call = kCallCount;
  MPI_Win win = MPI_WIN_NULL;
  int64_t target = -1;           // world rank of an RMA or synchronization target
  std::vector<Span> buffers;     // origin/result buffers of RMA, the buffer(s) of point-to-point calls
  std::vector<int64_t> started;  // request ids a Start/Startall activated
  std::vector<int64_t> done;     // request ids completed (or freed)
  int64_t new_req = 0;
  bool persistent = false;
  uintptr_t addr = 0;  // Win_attach/Win_detach region
  int64_t size = 0;
  void clear();
};
// The span of `count` elements of `type` at `addr` (empty for MPI_BOTTOM-like addresses).
// `mpi_writes`: MPI writes the buffer (a Get's origin, a result, a receive), so the program must not even read it.
void add_span(WatchFacts& f, const void* addr, int count, MPI_Datatype type, bool mpi_writes);
// A new window's local memory (and, for shared windows, every member's segment as mapped here).
// Returns the members' segment bases as mapped here (shared windows only) for the log.
std::vector<int64_t> local_watch_window(MPI_Win w, const void* base, MPI_Aint size, int flavor, int members);
// After the call returned: watch and unwatch as the call says.
void local_watch_after_call(const WatchFacts& f);

}  // namespace rmacheck
