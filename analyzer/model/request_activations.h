// Each time a request becomes active (the nonblocking call that creates it,
// or a Start of a persistent request) and the call that completes it, with
// the completion's status: the request tracker's active intervals in the
// shape the happens-before engine (messages, nonblocking collectives) and
// the race detector (buffers of pending operations) use.
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

#include "model/model.h"
#include "model/request_tracker.h"

namespace rmacheck {

struct Activation {
  int64_t request = 0;
  uint32_t created = 0;                // event that created the request (its arguments: comm, peer, tag, buffer)
  uint32_t started = 0;                // event that activated it (== created for nonblocking calls)
  std::optional<uint32_t> completed;   // Wait/Test event that completed it
  int32_t status_src = kRankProcNull;  // from the completion (world rank; one past int32 is kept as INT32_MIN)
  int32_t status_tag = kTagAny;        // (a tag past int32 likewise)
};
static_assert(sizeof(Activation) == 32, "one per Start of a persistent request: millions in a loop");

// All activations of one rank (whose requests the tracker followed), in the order they were started.
std::vector<Activation> request_activations(const RankLog& log, const RankRequests* requests);

}  // namespace rmacheck
