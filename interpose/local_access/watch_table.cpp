#include "watch_table.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace rmacheck::access {

namespace {
std::mutex g_writer;
// The multiset itself: (lo, hi) -> how many watches are open on exactly that range.
std::map<std::pair<uintptr_t, uintptr_t>, int>& ranges() {
  static auto* r = new std::map<std::pair<uintptr_t, uintptr_t>, int>;  // never destroyed: accesses after exit
  return *r;
}
}  // namespace

WatchTable g_watch_table;

void WatchTable::watch(uintptr_t lo, uintptr_t hi) {
  if (lo >= hi) return;
  std::lock_guard<std::mutex> lock(g_writer);
  ++ranges()[{lo, hi}];
  publish();
}

void WatchTable::unwatch(uintptr_t lo, uintptr_t hi) {
  std::lock_guard<std::mutex> lock(g_writer);
  auto it = ranges().find({lo, hi});
  if (it == ranges().end()) return;
  if (--it->second == 0) ranges().erase(it);
  publish();
}

void WatchTable::publish() {
  std::vector<std::pair<uintptr_t, uintptr_t>> u;
  for (const auto& [r, count] : ranges()) {
    (void)count;
    if (!u.empty() && r.first <= u.back().second)
      u.back().second = std::max(u.back().second, r.second);
    else
      u.push_back(r);
  }
  // Too many ranges: merge across the smallest gaps. Watching more than asked
  // logs more, never less, and the analysis decides what is a conflict.
  while (u.size() > kCapacity) {
    size_t best = 0;
    for (size_t i = 1; i + 1 < u.size(); ++i)
      if (u[i + 1].first - u[i].second < u[best + 1].first - u[best].second) best = i;
    u[best].second = u[best + 1].second;
    u.erase(u.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  const uint64_t s = seq_.load(std::memory_order_relaxed);
  seq_.store(s + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  for (size_t i = 0; i < u.size(); ++i) {
    lo_[i].store(u[i].first, std::memory_order_relaxed);
    hi_[i].store(u[i].second, std::memory_order_relaxed);
  }
  n_.store(u.size(), std::memory_order_relaxed);
  seq_.store(s + 2, std::memory_order_release);
}

Lookup WatchTable::lookup(uintptr_t a, size_t n) const {
  const uintptr_t end = a + n;
  for (;;) {
    const uint64_t s = seq_.load(std::memory_order_acquire);
    if (s & 1) continue;
    const size_t count = n_.load(std::memory_order_relaxed);
    // First range that ends after a.
    size_t lo = 0, hi = count;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (hi_[mid].load(std::memory_order_relaxed) <= a)
        lo = mid + 1;
      else
        hi = mid;
    }
    Lookup r;
    r.generation = s;
    if (lo < count && lo_[lo].load(std::memory_order_relaxed) < end) {
      r.watched = true;
      r.gap_lo = r.gap_hi = 0;
    } else {
      r.watched = false;
      r.gap_lo = lo > 0 ? hi_[lo - 1].load(std::memory_order_relaxed) : 0;
      r.gap_hi = lo < count ? lo_[lo].load(std::memory_order_relaxed) : UINTPTR_MAX;
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (seq_.load(std::memory_order_relaxed) == s) return r;
  }
}

}  // namespace rmacheck::access
