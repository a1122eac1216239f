// Every byte range an MPI call touches, in the address space of the
// process that owns the memory (rma-semantics.md sections 1 and 2):
// RMA operations at their target (window base + disp * unit + datatype
// blocks; dynamic windows: disp is the address) and at their origin
// (origin and result buffers), and the buffers of point-to-point calls.
// Each access carries the node by which it has certainly taken effect:
// the closing fence, unlock, flush, complete, or the request completion,
// as section 2 assigns them; never completed = index -1.
#pragma once

#include <cstdint>
#include <vector>

#include "model/happens_before.h"
#include "model/model.h"
#include "model/request_tracker.h"

namespace rmacheck {

enum class AccessKind : uint8_t { kRead, kWrite, kAtomicRead, kAtomicWrite };
constexpr int16_t kOpCompareAndSwap = -3;  // CAS has no MPI_Op; it is its own kind of atomic

inline bool writes(AccessKind k) { return k == AccessKind::kWrite || k == AccessKind::kAtomicWrite; }
inline bool atomic(AccessKind k) { return k == AccessKind::kAtomicRead || k == AccessKind::kAtomicWrite; }

// 56 bytes: a big log makes tens of millions of these. The order they are
// checked in is their call's t_enter (the issuer's event), not stored here.
struct MemAccess {
  int64_t lo = 0, hi = 0;    // addresses in the owning process, [lo, hi)
  int64_t region = 0;        // start of the window (target) or of the buffer, for reporting offsets
  int64_t complete_at = -1;  // taken effect by this node of rank complete_rank (-1: never)
  int32_t complete_rank = -1;
  int32_t process = -1;  // whose memory
  int32_t issuer = -1;   // rank that made the call (the window id, if any, is on that event)
  uint32_t event = 0;    // the call on the issuer
  int16_t basic = -1;    // basic type of the elements (atomicity), elements start at lo
  int16_t basic_size = 0;
  int16_t op = -1;  // reduction op of an atomic access (kOpCompareAndSwap for CAS)
  AccessKind kind = AccessKind::kRead;
  bool at_target = false;  // an RMA operation's access at its target

  Node complete() const { return {complete_rank, complete_at}; }
};
static_assert(sizeof(MemAccess) == 56, "keep accesses small");

// Append-only storage in fixed chunks: growing never copies or re-touches
// what is stored (a big log has tens of millions of accesses).
template <class T>
class ChunkedVector {
 public:
  static constexpr size_t kChunk = size_t{1} << 18;
  void push_back(const T& v) {
    if (size_ % kChunk == 0) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);
    }
    chunks_.back().push_back(v);
    ++size_;
  }
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  size_t size() const { return size_; }

 private:
  std::vector<std::vector<T>> chunks_;
  size_t size_ = 0;
};

struct Accesses {
  ChunkedVector<MemAccess> all;  // rank by rank
  std::vector<uint32_t> order;   // indices into `all` in issue order (entry time; ties by rank)
};
// `hb` decides which pending operations a synchronization call of another thread completes (see memory_accesses.cpp).
Accesses collect_accesses(const Model& model, const RequestTracker& requests, const HappensBefore& hb);

}  // namespace rmacheck
