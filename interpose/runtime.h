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
};

Runtime& runtime();
int64_t monotonic_ns();
// The clock of CALL records: the cycle counter where it is what CLOCK_MONOTONIC itself runs on
// (constant, non-stop TSC as the clock source), read in a few ns without the vDSO's scaling; else
// CLOCK_MONOTONIC. The header says which (call_clock=tsc|ns); with tsc, CLOCK records pair counter and
// monotonic readings so that the analyzer converts to ns offline.
extern bool g_call_clock_tsc;
inline int64_t call_clock() {
#if defined(__x86_64__)
  if (g_call_clock_tsc) return static_cast<int64_t>(__builtin_ia32_rdtsc());
#endif
  return monotonic_ns();
}
// Logs a CLOCK record (counter, monotonic ns) when the call clock is the counter.
void log_clock_pair();
// The counter reading from which a call logs the next pair (INT64_MAX: not the counter).
extern std::atomic<int64_t> g_next_clock_pair;
int64_t thread_id();  // small per-process thread number, 0 for the first thread seen
bool thread_seen();   // whether the calling thread has a thread_id (wrote a record) yet
// Sequence numbers count a thread's records (1, 2, ...), not the process's: a global counter cost an
// atomic add (~13 ns) per call and told the analyzer nothing (it takes a thread's order from the
// records' order in the log; `rmacheck dump` shows seq). Whether anything was logged between two
// records is asked of the log (LogWriter::ends_at), not of the numbers.
extern __thread int64_t t_last_seq_number;
inline int64_t next_seq() { return ++t_last_seq_number; }
extern thread_local bool t_in_wrapper;
// Inside the MPI library's part of a wrapper (PMPI_Init, between Recorder::enter and exit, BlockingPmpi):
// t_in_wrapper without t_in_pmpi is rmacheck's own code, where a stop signal is rmacheck's to explain.
extern thread_local bool t_in_pmpi;
// Around rmacheck's own blocking MPI calls (the collectives of a window's registration, the run
// id's broadcast): a thread waiting there waits for MPI, like the program's call would.
struct BlockingPmpi {
  bool was = t_in_pmpi;
  BlockingPmpi() { t_in_pmpi = true; }
  ~BlockingPmpi() { t_in_pmpi = was; }
  BlockingPmpi(const BlockingPmpi&) = delete;
  BlockingPmpi& operator=(const BlockingPmpi&) = delete;
};

inline bool recording() { return runtime().active.load(std::memory_order_relaxed) && !t_in_wrapper; }

// Called by the Init/Init_thread wrappers once PMPI_Init returned, and by Finalize.
void start_logging(int thread_level);
void stop_logging();

}  // namespace rmacheck
