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
#include <memory>
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

// Every memory access of the run, in issue order (the entry time of its
// call; ties: the lower rank's first, a rank's walk before its request
// buffers), produced on demand. Each rank's events are walked only as far
// as the next access needs: an access leaves once its completion is known
// (the flush, unlock, fence or Wait that completes it has been walked) or
// the walk is over, so what is held at once is the accesses issued while an
// earlier one was pending, not the whole run (a big log has hundreds of
// millions of accesses). A rank whose events are not in time order (threads
// append in turn) is walked whole first and sorted.
//
// `hb` decides which pending operations a synchronization call of another
// thread completes (see memory_accesses.cpp).
class AccessStream {
 public:
  AccessStream(const Model& model, const RequestTracker& requests, const HappensBefore& hb);
  ~AccessStream();
  AccessStream(const AccessStream&) = delete;
  AccessStream& operator=(const AccessStream&) = delete;
  // The next access in issue order into `out` (and its order key, its call's t_enter, into *time);
  // false when there are no more.
  bool next(MemAccess& out, int64_t* time = nullptr);
  // Accesses made and not yet handed out (waiting behind a pending one).
  size_t held() const { return held_; }
  // The most held at once so far.
  size_t peak_held() const { return peak_held_; }
  // Whether every rank's events are in time order (else a threaded rank's walk was sorted).
  bool events_in_time_order() const { return events_in_time_order_; }

  class Source;  // one rank's walk, or its request buffers

 private:
  struct Head {
    int64_t time;
    uint32_t source;
    bool operator<(const Head& o) const { return time != o.time ? time < o.time : source < o.source; }
  };
  void sift_down(size_t i);
  size_t held_ = 0;  // before sources_: they count themselves out of it when destroyed
  size_t peak_held_ = 0;
  bool events_in_time_order_ = true;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<Head> heap_;  // min-heap of the sources' next accesses
};

}  // namespace rmacheck
