#include "model/thread_order.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace rmacheck {

std::vector<int64_t> rank_threads(const RankLog& log) {
  std::vector<int64_t> threads;
  // By slot; the last stands for slots the log has no number for (RankLog::thread reads them as thread 0).
  std::vector<bool> seen(log.thread_ids.size() + 1);
  for (const Event& e : log.events) {
    const size_t slot = std::min<size_t>(e.thread_slot, log.thread_ids.size());
    if (seen[slot]) continue;
    seen[slot] = true;
    threads.push_back(log.thread(e));
  }
  return threads;
}

bool has_thread_sync(const RankLog& log) {
  return std::any_of(log.events.begin(), log.events.end(), [](const Event& e) { return is_thread_sync(e.call); });
}

namespace {

struct SyncPoint {
  int64_t count;
  bool acquire;
  int64_t thread;
  uint32_t event;
};

// Releases and acquires of one object in count order (a release before an
// acquire of the same count): each acquire follows, per thread, the latest
// release so far; earlier releases of that thread precede it in program order.
void release_acquire_edges(int rank, std::vector<SyncPoint>& points, std::vector<ThreadEdge>& out) {
  std::stable_sort(points.begin(), points.end(), [](const SyncPoint& a, const SyncPoint& b) {
    return std::tie(a.count, a.acquire) < std::tie(b.count, b.acquire);
  });
  std::map<int64_t, uint32_t> latest;  // thread -> its latest release so far
  for (const SyncPoint& p : points) {
    if (!p.acquire) {
      latest[p.thread] = p.event;
      continue;
    }
    ThreadEdge e;
    for (const auto& [thread, ev] : latest)
      if (thread != p.thread) e.sources.push_back(exit_node(rank, ev));
    if (e.sources.empty()) continue;
    e.dests.push_back(entry_node(rank, p.event));
    out.push_back(std::move(e));
  }
}

}  // namespace

std::vector<ThreadEdge> thread_order_edges(const RankLog& log) {
  std::map<int64_t, std::vector<SyncPoint>> objects;           // object -> releases, acquires
  std::map<std::pair<int64_t, int64_t>, ThreadEdge> barriers;  // (object, generation) -> edge
  for (uint32_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    if (!is_thread_sync(e.call)) continue;
    EventView v = log.view(e);
    const int64_t object = v.get_or(kF_sync_object, 0), count = v.get_or(kF_sync_count, 0);
    switch (e.call) {
      case kCall_Thread_release:
      case kCall_Thread_acquire:
        objects[object].push_back({count, e.call == kCall_Thread_acquire, log.thread(e), i});
        break;
      case kCall_Thread_arrive:
        barriers[{object, count}].sources.push_back(exit_node(log.rank, i));
        break;
      default:  // depart
        barriers[{object, count}].dests.push_back(entry_node(log.rank, i));
        break;
    }
  }
  std::vector<ThreadEdge> out;
  for (auto& [object, points] : objects) release_acquire_edges(log.rank, points, out);
  for (auto& [key, edge] : barriers)
    if (!edge.sources.empty() && !edge.dests.empty()) out.push_back(std::move(edge));
  return out;
}

}  // namespace rmacheck
