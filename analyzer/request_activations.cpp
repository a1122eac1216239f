#include "request_activations.h"

namespace rmacheck {

std::vector<Activation> request_activations(const RankLog& log) {
  std::vector<Activation> out;
  std::unordered_map<int64_t, uint32_t> created;  // request id -> creating event
  std::unordered_map<int64_t, size_t> active;     // request id -> index in out of its open activation
  for (uint32_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    EventView v = log.view(e);
    if (auto id = v.get(kF_new_req)) {
      created[*id] = i;
      if (!is_persistent_init(e.call)) {
        active[*id] = out.size();
        out.push_back({*id, i, i, std::nullopt, kRankProcNull, kTagAny});
      }
    }
    if (e.call == kCall_Start || e.call == kCall_Startall) {
      for (int64_t id : v.array(e.call == kCall_Start ? kF_req : kF_reqs)) {
        auto c = created.find(id);
        if (c == created.end()) continue;
        active[id] = out.size();
        out.push_back({id, c->second, i, std::nullopt, kRankProcNull, kTagAny});
      }
    }
    Values done = v.array(kF_done);
    if (done.empty()) continue;
    Values src = v.array(kF_status_src), tag = v.array(kF_status_tag);
    for (size_t k = 0; k < done.size; ++k) {
      auto a = active.find(done[k]);
      if (a == active.end()) continue;  // an inactive persistent request: completes nothing
      Activation& act = out[a->second];
      act.completed = i;
      if (k < src.size) act.status_src = src[k];
      if (k < tag.size) act.status_tag = tag[k];
      active.erase(a);
    }
  }
  return out;
}

}  // namespace rmacheck
