#include "model/local_accesses.h"

#include <algorithm>
#include <limits>

namespace rmacheck {

LocalAccessMapper::LocalAccessMapper(const Model& model, const RankLog& log) : log_(log) {
  const int r = log.rank;
  constexpr uint32_t kForever = std::numeric_limits<uint32_t>::max();
  for (const auto& [id, w] : model.windows) {
    auto created = w.created.find(r);
    if (created == w.created.end()) continue;
    auto freed = w.freed.find(r);
    const uint32_t from = created->second.index, until = freed == w.freed.end() ? kForever : freed->second.index;
    const size_t me = w.window_rank(r);
    if (me >= w.members.size() || me >= w.bases.size() || me >= w.sizes.size()) continue;
    if (w.flavor == kWinShared) {
      // Every member's segment as this rank maps it (logged at creation).
      const Values mapped = log.view(log.events[from]).array(kF_win_local_bases);
      for (size_t m = 0; m < mapped.size && m < w.members.size() && m < w.sizes.size(); ++m)
        if (mapped[m] && w.sizes[m] > 0)
          regions_.push_back({mapped[m], mapped[m] + w.sizes[m], w.bases[m], w.members[m], id, from, until});
    } else if (w.flavor == kWinDynamic) {
      // Attached regions, from Win_attach to Win_detach.
      for (uint32_t i = from; i < log.events.size() && i < until; ++i) {
        const Event& e = log.events[i];
        if (e.call != kCall_Win_attach) continue;
        EventView v = log.view(e);
        if (v.get_or(kF_win, 0) != id) continue;
        const int64_t addr = v.get_or(kF_addr, 0), size = v.get_or(kF_size, 0);
        uint32_t detach = until;
        for (uint32_t j = i + 1; j < log.events.size() && j < until; ++j) {
          EventView d = log.view(log.events[j]);
          if (log.events[j].call == kCall_Win_detach && d.get_or(kF_win, 0) == id && d.get_or(kF_addr, 0) == addr) {
            detach = j;
            break;
          }
        }
        if (size > 0) regions_.push_back({addr, addr + size, addr, r, id, i, detach});
      }
    } else if (w.sizes[me] > 0) {
      regions_.push_back({w.bases[me], w.bases[me] + w.sizes[me], w.bases[me], r, id, from, until});
    }
  }
}

void LocalAccessMapper::add(uint32_t i, std::vector<MemAccess>& out) const {
  const Event& e = log_.events[i];
  EventView v = log_.view(e);
  const int64_t lo = v.get_or(kF_addr, 0), hi = lo + v.get_or(kF_size, 0);
  if (hi <= lo) return;
  MemAccess a;
  a.complete_at = exit_node(log_.rank, i).index;  // a load or store has taken effect when it is done
  a.complete_rank = log_.rank;
  a.issuer = log_.rank;
  a.event = i;
  a.kind = e.call == kCall_Local_store ? AccessKind::kWrite : AccessKind::kRead;
  a.at_target = false;
  // The parts inside window memory belong to the window's owner; the rest is this rank's own memory.
  int64_t at = lo;
  while (at < hi) {
    const Region* best = nullptr;
    int64_t next = hi;  // where the next region starts, if [at, next) is outside all of them
    for (const Region& r : regions_) {
      if (i <= r.from || i >= r.until) continue;
      if (r.lo <= at && at < r.hi) {
        best = &r;
        break;
      }
      if (r.lo > at) next = std::min(next, r.lo);
    }
    MemAccess part = a;
    if (best) {
      const int64_t end = std::min(hi, best->hi);
      part.process = best->owner;
      part.lo = best->owner_base + (at - best->lo);
      part.hi = best->owner_base + (end - best->lo);
      part.region = best->owner_base;
      at = end;
    } else {
      part.process = log_.rank;
      part.lo = at;
      part.hi = next;
      part.region = lo;
      at = next;
    }
    out.push_back(part);
  }
}

}  // namespace rmacheck
