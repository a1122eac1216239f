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

#include "happens_before.h"
#include "model.h"

namespace rmacheck {

enum class AccessKind : uint8_t { kRead, kWrite, kAtomicRead, kAtomicWrite };

inline bool writes(AccessKind k) { return k == AccessKind::kWrite || k == AccessKind::kAtomicWrite; }
inline bool atomic(AccessKind k) { return k == AccessKind::kAtomicRead || k == AccessKind::kAtomicWrite; }

struct MemAccess {
  int process = -1;        // whose memory
  int64_t lo = 0, hi = 0;  // addresses in that process, [lo, hi)
  AccessKind kind = AccessKind::kRead;
  int32_t basic = -1;      // basic type of the elements (atomicity), elements start at lo
  int32_t basic_size = 0;
  int issuer = -1;         // rank that made the call
  uint32_t event = 0;      // the call on the issuer
  Node complete;           // taken effect by this node (index -1: never)
  int64_t time = 0;        // t_enter of the call: the order accesses are checked in
  int64_t win = 0;         // window id of an RMA access (0 for buffers)
  bool at_target = false;  // an RMA operation's access at its target
  int64_t region = 0;      // start of the window (target) or of the buffer, for reporting offsets
};

std::vector<MemAccess> collect_accesses(const Model& model);

}  // namespace rmacheck
