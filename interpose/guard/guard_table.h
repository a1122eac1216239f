// The guard's view of watched memory, shared by the writer side (MPI
// wrappers, under a mutex) and the fault handler (lock-free reads): the
// watched byte segments with the kinds of access that may conflict, and
// the page runs that get protected, with the protection they get and the
// one they had. Published as sorted arrays under a sequence lock, like the
// access runtime's watch table: a handler never takes a lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace rmacheck::guard {

constexpr uintptr_t kPage = 4096;
inline uintptr_t page_of(uintptr_t a) { return a & ~(kPage - 1); }

struct PageRun {
  uintptr_t lo, hi;  // page aligned
  int prot;          // while guarded: PROT_NONE (reads and writes fault) or PROT_READ (writes fault)
  int orig;          // the mapping's own protection, restored to open the run
};
struct Segment {
  uintptr_t lo, hi;
  uint8_t kinds;
};

// Handler side (async-signal-safe).
bool find_run(uintptr_t page, PageRun& out);
// The watched segments overlapping [lo, hi), clipped to it; returns how many were written.
size_t watched_parts(uintptr_t lo, uintptr_t hi, Segment* out, size_t max);

// Writer side.
void table_watch(uintptr_t lo, uintptr_t hi, uint8_t kinds);
void table_unwatch(uintptr_t lo, uintptr_t hi, uint8_t kinds);
void protect_runs();    // every run to its guard protection
void unprotect_runs();  // every run to its own protection
size_t run_pages();     // pages currently in runs (for the summary)

}  // namespace rmacheck::guard
