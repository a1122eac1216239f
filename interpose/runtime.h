// Process-wide state of the interposition library: options, the log, this
// rank's identity, and the per-thread guard that keeps MPI calls made by the
// library itself (or by MPI internally through the MPI_ symbols) unlogged.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "log_writer.h"

// The library is built with hidden visibility; only the MPI entry points are exported.
#define RMACHECK_API extern "C" __attribute__((visibility("default")))

namespace rmacheck {

struct Flags {
#define RMACHECK_FLAG(type, field, env, def, help) type field = def;
#include "flags.def"
#undef RMACHECK_FLAG
  // Reads the RMACHECK_* variables; with warn, says on stderr which are unknown or malformed.
  void load_from_env(bool warn);
};

struct Runtime {
  Flags flags;
  LogWriter log;
  int world_rank = -1;
  int world_size = 0;
  std::atomic<bool> active{false};  // between Init and Finalize, with a log open
  std::atomic<int64_t> next_seq{1};
};

Runtime& runtime();
int64_t monotonic_ns();
int64_t thread_id();  // small per-process thread number, 0 for the first thread seen
extern thread_local bool t_in_wrapper;

inline bool recording() { return runtime().active.load(std::memory_order_relaxed) && !t_in_wrapper; }

// Called by the Init/Init_thread wrappers once PMPI_Init returned, and by Finalize.
void start_logging(int thread_level);
void stop_logging();

}  // namespace rmacheck
