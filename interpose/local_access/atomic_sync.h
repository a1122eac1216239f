// Atomics as synchronization: which memory orders release and acquire, and
// the calls to the interposer's sync sink (access_api.h) around an atomic
// operation. Nothing here orders anything: the interposer logs release and
// acquire records and the analyzer makes the happens-before edges.
//
// - A store or read-modify-write whose order releases (release, acq_rel,
//   seq_cst) is told before it takes effect, a load or read-modify-write
//   whose order acquires (consume, acquire, acq_rel, seq_cst) after: an
//   acquire that read a released value then counts that release (and
//   perhaps later ones of the same object: a few orderings more than the
//   program has, never fewer).
// - Fences: after a release fence every later relaxed store or
//   read-modify-write of the thread releases (at the store, which orders a
//   little more than the fence would); an acquire fence acquires the
//   objects of the thread's last kFenceLoads relaxed loads (at the fence).
// - Relaxed operations order nothing.
// Cost with no sink set (a program without a second thread): one load and
// branch per atomic operation.
#pragma once

#include <atomic>
#include <cstdint>

#include "access_api.h"
#include "thread_state.h"

namespace rmacheck::access {

extern std::atomic<RmacheckSyncSink> g_sync_sink;

// The compilers pass C11's orders, 0..5 (gcc may add HLE bits above them).
inline int memory_order_of(int mo) { return mo & 0xff; }
inline bool order_releases(int mo) { return memory_order_of(mo) >= 3; }  // release, acq_rel, seq_cst
inline bool order_acquires(int mo) {
  const int m = memory_order_of(mo);
  return m == 1 || m == 2 || m >= 4;  // consume, acquire, acq_rel, seq_cst
}

constexpr int kFenceLoads = 4;
struct FenceState {
  bool released;  // a release fence ran: later relaxed stores release
  uint32_t next;
  const void* loads[kFenceLoads];  // the last relaxed loads' objects, for an acquire fence
};
extern __thread FenceState t_fence __attribute__((tls_model("initial-exec")));

// The calling thread has load/store records of its current interval (thread_state.cpp).
int thread_pending();

// Before a store or read-modify-write with order `mo`.
inline __attribute__((always_inline)) void before_store(const volatile void* a, int mo) {
  RmacheckSyncSink sink = g_sync_sink.load(std::memory_order_relaxed);
  if (__builtin_expect(sink == nullptr, 1)) return;
  if (order_releases(mo) || t_fence.released) sink(RMACHECK_SYNC_RELEASE, const_cast<const void*>(a), thread_pending());
}

// After a load or read-modify-write with order `mo`.
inline __attribute__((always_inline)) void after_load(const volatile void* a, int mo) {
  RmacheckSyncSink sink = g_sync_sink.load(std::memory_order_relaxed);
  if (__builtin_expect(sink == nullptr, 1)) return;
  if (order_acquires(mo)) {
    sink(RMACHECK_SYNC_ACQUIRE, const_cast<const void*>(a), thread_pending());
    return;
  }
  FenceState& f = t_fence;
  f.loads[f.next++ % kFenceLoads] = const_cast<const void*>(a);
}

void thread_fence(int mo);

}  // namespace rmacheck::access
