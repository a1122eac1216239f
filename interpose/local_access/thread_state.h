// Per-thread state of the access runtime: the shadow call stack kept by
// __tsan_func_entry/exit, the cached unwatched gap of the fast path, and the
// records of the current interval (the accesses since the thread's last MPI
// call, each byte range logged once per kind with its first pc and a count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "access_api.h"
#include "watch_table.h"

namespace rmacheck::access {

constexpr size_t kMaxFastAccess = 16;  // the largest access the fast path takes (__tsan_read16)
constexpr uint32_t kShadowDepth = 256;
constexpr uint32_t kRecordFrames = 16;  // pcs per record: the access and 15 callers

struct Interval;

// What every access touches first; small and plain (zero-initialized, no
// constructor), so it lives in initial-exec TLS and is reached without the
// C++ thread_local wrapper call.
struct FastState {
  uintptr_t gap_lo;   // [gap_lo, gap_lo + gap_len + kMaxFastAccess) holds no watched byte
  uintptr_t gap_len;  // 0: nothing cached
  uint64_t generation;
  // The newest record of each kind while it grows: an access inside it is logged already, and
  // the same instruction's next element (a loop) extends it here, both without a call.
  uintptr_t hot_lo[2], hot_hi[2], hot_pc[2];
  // A strided record (a loop over a column: one element every hot_stride bytes) grows at
  // hot_next by the same instruction's access of hot_width bytes; 0: the newest record is contiguous.
  uintptr_t hot_next[2], hot_stride[2], hot_width[2];
  uint32_t hot_count[2];
  uint32_t depth;  // shadow stack depth (may exceed kShadowDepth: frames past it are not kept)
  uintptr_t* stack;
  Interval* interval;
};

// What the inline fast path below reaches in librmacheck_access.so, exported for the copies of the
// entry points linked into programs (access_entries.h).
#define RMACHECK_FAST_PATH_EXPORT __attribute__((visibility("default")))

// Those copies compile in the layouts of FastState and WatchTable. Whoever changes either bumps the
// number: a program linked against one layout then fails to start with a runtime of another (an
// undefined symbol) instead of misreading its fields. fast_entries.cpp refers to it.
#define RMACHECK_ACCESS_LAYOUT rmacheck_access_layout_1
extern "C" RMACHECK_FAST_PATH_EXPORT const int RMACHECK_ACCESS_LAYOUT;

extern __thread FastState t_fast __attribute__((tls_model("initial-exec"))) RMACHECK_FAST_PATH_EXPORT;

RMACHECK_FAST_PATH_EXPORT void slow_access(uintptr_t a, size_t n, uint32_t kind, uintptr_t pc);
// The hot strided record's next element: it grows unless another record logged those bytes already.
RMACHECK_FAST_PATH_EXPORT void next_element(uintptr_t a, size_t n, uint32_t kind);
RMACHECK_FAST_PATH_EXPORT uintptr_t* allocate_shadow_stack();

// An access of at most kMaxFastAccess bytes: a few instructions when it misses watched memory.
inline __attribute__((always_inline)) void on_access(uintptr_t a, size_t n, uint32_t kind, uintptr_t pc) {
  FastState& f = t_fast;
  if (__builtin_expect(a - f.gap_lo < f.gap_len && f.generation == watch_table().generation(), 1)) return;
  if (a >= f.hot_lo[kind] && a + n <= f.hot_hi[kind]) {
    ++f.hot_count[kind];
    return;
  }
  if (a == f.hot_hi[kind] && pc == f.hot_pc[kind]) {
    f.hot_hi[kind] += n;
    ++f.hot_count[kind];
    return;
  }
  if (a == f.hot_next[kind] && pc == f.hot_pc[kind] && n == f.hot_width[kind]) {
    next_element(a, n, kind);
    return;
  }
  slow_access(a, n, kind, pc);
}

// Any size (memcpy, read_range): always checked against the table.
void on_range(uintptr_t a, size_t n, uint32_t kind, uintptr_t pc);

inline __attribute__((always_inline)) void on_func_entry(uintptr_t pc) {
  FastState& f = t_fast;
  if (__builtin_expect(f.stack == nullptr, 0)) f.stack = allocate_shadow_stack();
  if (f.depth < kShadowDepth) f.stack[f.depth] = pc;
  ++f.depth;
}

inline __attribute__((always_inline)) void on_func_exit() {
  FastState& f = t_fast;
  if (f.depth) --f.depth;
}

// Ends the calling thread's interval (records to the sink).
void flush_thread();
void set_sink(RmacheckLocalSink sink);

}  // namespace rmacheck::access
