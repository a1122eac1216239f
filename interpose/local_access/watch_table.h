// The memory whose accesses are logged: a multiset of ranges kept by the
// interposer's watch/unwatch calls, published to the access fast path as a
// sorted array of disjoint ranges under a sequence lock.
//
// Why a sequence lock: readers are every instrumented load and store that
// misses its thread's cached gap, writers are a few MPI calls. A reader
// never takes a lock and never sees a half-updated table; the sequence
// number doubles as the generation the per-thread gap caches compare with.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace rmacheck::access {

// Where an access falls: inside watched memory, or in the unwatched gap [gap_lo, gap_hi).
struct Lookup {
  bool watched;
  uintptr_t gap_lo, gap_hi;
  uint64_t generation;  // the table version the answer belongs to
};

class WatchTable {
 public:
  static constexpr size_t kCapacity = 4096;  // published ranges; beyond, the closest ones are merged

  void watch(uintptr_t lo, uintptr_t hi);
  void unwatch(uintptr_t lo, uintptr_t hi);
  // Does [a, a + n) overlap watched memory? If not, the largest unwatched gap around a.
  Lookup lookup(uintptr_t a, size_t n) const;
  uint64_t generation() const { return seq_.load(std::memory_order_relaxed); }

 private:
  void publish();  // rebuilds the published union; caller holds the writer lock

  std::atomic<uint64_t> seq_{2};  // odd while a writer updates the published ranges
  std::atomic<size_t> n_{0};
  std::atomic<uintptr_t> lo_[kCapacity], hi_[kCapacity];
};

// A global with constant initialization (only atomics): the fast path reads it without a guard.
// Exported: the entry points linked into programs read its generation (access_entries.h).
extern WatchTable g_watch_table __attribute__((visibility("default")));
inline WatchTable& watch_table() { return g_watch_table; }

}  // namespace rmacheck::access
