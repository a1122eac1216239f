#include "model/request_activations.h"

#include <algorithm>

#include "model/request_tracker.h"

namespace rmacheck {

std::vector<Activation> request_activations(const RankLog& log, const RankRequests* requests) {
  std::vector<Activation> out;
  if (!requests) return out;
  size_t count = 0;
  for (const RequestRecord& rec : requests->requests) count += rec.active.size();
  out.reserve(count);  // a persistent request in a loop has millions: no doubling past them
  auto int32 = [](int64_t v) { return v >= INT32_MIN && v <= INT32_MAX ? static_cast<int32_t>(v) : INT32_MIN; };
  for (const RequestRecord& rec : requests->requests) {
    const int64_t id = rec.id;
    for (const ActiveInterval& interval : rec.active) {
      Activation a{id, rec.created.index, interval.start.index, std::nullopt, kRankProcNull, kTagAny};
      if (interval.end_index != ActiveInterval::kNoEnd) {
        a.completed = interval.end_index;
        // The completing call lists the ids it completed, with their statuses in the same order.
        EventView v = log.view(log.events[interval.end_index]);
        Values done = v.array(kF_done), src = v.array(kF_status_src), tag = v.array(kF_status_tag);
        for (size_t k = 0; k < done.size; ++k)
          if (done[k] == id) {
            if (k < src.size) a.status_src = int32(src[k]);
            if (k < tag.size) a.status_tag = int32(tag[k]);
            break;
          }
      }
      out.push_back(a);
    }
  }
  std::sort(out.begin(), out.end(), [](const Activation& x, const Activation& y) { return x.started < y.started; });
  return out;
}

}  // namespace rmacheck
