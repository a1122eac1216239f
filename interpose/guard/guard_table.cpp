#include "guard_table.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "guard.h"

namespace rmacheck::guard {

namespace {

constexpr size_t kCapacity = 4096;

// One published array of T, double-buffered: a writer (serialized by g_mu) fills the
// buffer readers are not directed to, under that buffer's sequence number (odd while
// written), then points readers at it. Readers are the fault handlers, and a fault can
// interrupt the writer on its own thread (publish reads the new table from the heap, and
// heap pages can be guarded): with one buffer that reader would spin on an odd sequence
// number its own thread can never make even again. With two, the buffer a reader is
// directed to is only rewritten after a later publish has moved readers off it, so a
// reader retries only when another thread published twice while it read.
template <class T>
struct Published {
  struct Buffer {
    std::atomic<uint64_t> seq{0};
    std::atomic<size_t> n{0};
    T items[kCapacity];
  };
  Buffer buf[2];
  std::atomic<uint32_t> current{0};

  void publish(const std::vector<T>& v) {
    Buffer& b = buf[1 - current.load(std::memory_order_relaxed)];
    const uint64_t s = b.seq.load(std::memory_order_relaxed);
    b.seq.store(s + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    const size_t count = std::min(v.size(), kCapacity);
    // Readers retry if seq moved. An empty vector's data() may be null, which memcpy must never get.
    if (count) std::memcpy(static_cast<void*>(b.items), v.data(), count * sizeof(T));
    b.n.store(count, std::memory_order_relaxed);
    b.seq.store(s + 2, std::memory_order_release);
    current.store(static_cast<uint32_t>(&b - buf), std::memory_order_release);
  }
  // Calls f(items, count) on a consistent snapshot; f must only read.
  template <class F>
  void read(F&& f) const {
    for (;;) {
      const Buffer& b = buf[current.load(std::memory_order_acquire)];
      const uint64_t s = b.seq.load(std::memory_order_acquire);
      if (s & 1) continue;  // another thread is refilling it after two publishes: `current` has moved
      f(b.items, b.n.load(std::memory_order_relaxed));
      std::atomic_thread_fence(std::memory_order_acquire);
      if (b.seq.load(std::memory_order_relaxed) == s) return;
    }
  }
};

Published<Segment> g_segments;
Published<PageRun> g_runs;

std::mutex g_mu;                                                    // the writer side
std::map<std::tuple<uintptr_t, uintptr_t, uint8_t>, int> g_ranges;  // the multiset
std::vector<PageRun> g_current;                                     // what g_runs holds

// Writable private or shared mappings as last read from /proc/self/maps: only those are guarded
// (a send buffer in read-only data needs no guard against writes, and must never become writable).
struct Mapping {
  uintptr_t lo, hi;
  int prot;
};
std::vector<Mapping> g_maps;

void read_maps() {
  g_maps.clear();
  const int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::string text;
  char buf[8192];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find('\n', at);
    if (eol == std::string::npos) eol = text.size();
    unsigned long lo = 0, hi = 0;
    char perms[8] = {0};
    if (std::sscanf(text.c_str() + at, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
      int prot =
          (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) | (perms[2] == 'x' ? PROT_EXEC : 0);
      g_maps.push_back({lo, hi, prot});
    }
    at = eol + 1;
  }
}

// The writable mappings' parts of [lo, hi), with their protections.
void writable_parts(uintptr_t lo, uintptr_t hi, std::vector<Mapping>& out, bool reread) {
  if (reread) read_maps();
  uintptr_t covered = lo;
  for (const Mapping& m : g_maps) {
    if (m.hi <= lo || m.lo >= hi) continue;
    const uintptr_t a = std::max(lo, m.lo), b = std::min(hi, m.hi);
    if ((m.prot & PROT_READ) && (m.prot & PROT_WRITE)) out.push_back({a, b, m.prot});
    if (a <= covered) covered = std::max(covered, b);
  }
  if (covered < hi && !reread) {  // not all of it was mapped when we last looked: look again
    out.clear();
    writable_parts(lo, hi, out, true);
  }
}

// Sorts and merges overlapping or touching intervals.
void union_of(std::vector<std::pair<uintptr_t, uintptr_t>>& v) {
  std::sort(v.begin(), v.end());
  size_t out = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (out > 0 && v[i].first <= v[out - 1].second)
      v[out - 1].second = std::max(v[out - 1].second, v[i].second);
    else
      v[out++] = v[i];
  }
  v.resize(out);
}

void rebuild() {
  // Segments: the union of the watched ranges, with the union of their kinds per piece.
  std::vector<std::tuple<uintptr_t, uintptr_t, uint8_t>> ranges;
  for (const auto& [r, count] : g_ranges)
    if (count > 0) ranges.push_back(r);
  std::vector<uintptr_t> cuts;
  for (const auto& [lo, hi, k] : ranges) cuts.push_back(lo), cuts.push_back(hi);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Segment> segs;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    uint8_t kinds = 0;
    for (const auto& [lo, hi, k] : ranges)
      if (lo <= cuts[i] && cuts[i + 1] <= hi) kinds |= k;
    if (!kinds) continue;
    if (!segs.empty() && segs.back().hi == cuts[i] && segs.back().kinds == kinds)
      segs.back().hi = cuts[i + 1];
    else
      segs.push_back({cuts[i], cuts[i + 1], kinds});
  }
  // Too many: merge across the smallest gaps (more is watched, never less).
  while (segs.size() > kCapacity) {
    size_t best = 0;
    for (size_t i = 1; i + 1 < segs.size(); ++i)
      if (segs[i + 1].lo - segs[i].hi < segs[best + 1].lo - segs[best].hi) best = i;
    segs[best].hi = segs[best + 1].hi;
    segs[best].kinds |= segs[best + 1].kinds;
    segs.erase(segs.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  g_segments.publish(segs);

  // Page runs: a page is PROT_NONE if a segment on it guards reads, else PROT_READ.
  std::vector<std::pair<uintptr_t, uintptr_t>> none, read_only;
  for (const Segment& s : segs)
    ((s.kinds & kGuardReads) ? none : read_only).push_back({page_of(s.lo), page_of(s.hi + kPage - 1)});
  union_of(none);
  union_of(read_only);
  std::vector<PageRun> merged;
  for (const auto& [lo, hi] : none) merged.push_back({lo, hi, PROT_NONE, 0});
  for (const auto& [lo, hi] : read_only) {  // minus the PROT_NONE pages
    uintptr_t at = lo;
    for (const auto& [nlo, nhi] : none) {
      if (nhi <= at || nlo >= hi) continue;
      if (nlo > at) merged.push_back({at, nlo, PROT_READ, 0});
      at = std::max(at, nhi);
    }
    if (at < hi) merged.push_back({at, hi, PROT_READ, 0});
  }
  std::sort(merged.begin(), merged.end(), [](const PageRun& a, const PageRun& b) { return a.lo < b.lo; });
  std::vector<PageRun> runs;
  std::vector<Mapping> parts;
  for (const PageRun& r : merged) {
    parts.clear();
    writable_parts(r.lo, r.hi, parts, false);
    for (const Mapping& m : parts) {
      if (!runs.empty() && runs.back().hi == m.lo && runs.back().prot == r.prot && runs.back().orig == m.prot)
        runs.back().hi = m.hi;
      else
        runs.push_back({m.lo, m.hi, r.prot, m.prot});
    }
  }
  if (runs.size() > kCapacity) runs.resize(kCapacity);  // beyond: not guarded (seen less, never wrongly)
  g_current = runs;
  g_runs.publish(runs);
}

}  // namespace

bool find_run(uintptr_t page, PageRun& out) {
  bool found = false;
  g_runs.read([&](const PageRun* r, size_t n) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (r[mid].hi <= page)
        lo = mid + 1;
      else
        hi = mid;
    }
    found = lo < n && r[lo].lo <= page;
    if (found) out = r[lo];
  });
  return found;
}

size_t watched_parts(uintptr_t lo, uintptr_t hi, Segment* out, size_t max) {
  size_t got = 0;
  g_segments.read([&](const Segment* s, size_t n) {
    got = 0;
    size_t a = 0, b = n;
    while (a < b) {
      const size_t mid = (a + b) / 2;
      if (s[mid].hi <= lo)
        a = mid + 1;
      else
        b = mid;
    }
    for (size_t i = a; i < n && s[i].lo < hi && got < max; ++i)
      out[got++] = {std::max(lo, s[i].lo), std::min(hi, s[i].hi), s[i].kinds};
  });
  return got;
}

void table_watch(uintptr_t lo, uintptr_t hi, uint8_t kinds) {
  if (lo >= hi || !kinds) return;
  std::lock_guard<std::mutex> lock(g_mu);
  ++g_ranges[{lo, hi, kinds}];
  rebuild();
}

void table_unwatch(uintptr_t lo, uintptr_t hi, uint8_t kinds) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_ranges.find({lo, hi, kinds});
  if (it == g_ranges.end()) return;
  if (--it->second == 0) g_ranges.erase(it);
  rebuild();
}

void protect_runs() {
  std::lock_guard<std::mutex> lock(g_mu);
  for (const PageRun& r : g_current) ::mprotect(reinterpret_cast<void*>(r.lo), r.hi - r.lo, r.prot);
}

void unprotect_runs() {
  std::lock_guard<std::mutex> lock(g_mu);
  for (const PageRun& r : g_current) ::mprotect(reinterpret_cast<void*>(r.lo), r.hi - r.lo, r.orig);
}

size_t run_pages() {
  std::lock_guard<std::mutex> lock(g_mu);
  size_t n = 0;
  for (const PageRun& r : g_current) n += (r.hi - r.lo) / kPage;
  return n;
}

}  // namespace rmacheck::guard
