#include "thread_state.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

namespace rmacheck::access {

extern "C" const int RMACHECK_ACCESS_LAYOUT = 1;

__thread FastState t_fast;

namespace {

constexpr size_t kRuns = 4;               // open runs per kind: a loop's few access streams
constexpr size_t kGranules = 4096;        // direct-mapped memory of what this interval logged, 8 bytes a slot
constexpr size_t kCompactRecords = 4096;  // then the records of one pc merge; if still many, they go out in a batch

std::atomic<RmacheckLocalSink> g_sink{nullptr};

// A range that grew from one record by accesses of the same pc (a loop): contiguous
// (stride 0, [lo, hi)), or strided: elements [lo, hi) + k * stride below `next`.
struct Run {
  uintptr_t lo = 0, hi = 0, pc = 0;
  size_t record = 0;
  uintptr_t stride = 0, next = 0;
};

// Contiguous (nelem 1): [lo, hi). Strided: nelem elements [lo, hi) + k * stride, k < nelem, with
// stride > hi - lo: the records one access each of a column loop would make, kept as one (they
// become those records when handed over, unless the columns met and made them contiguous).
struct Record {
  uintptr_t lo, hi;
  uint32_t kind, count;
  uint32_t stack_begin, stack_len;
  uintptr_t stride = 0;
  uint64_t nelem = 1;
};

// 16 bytes: a column loop touches a new one with every access.
struct Granule {
  uintptr_t base = ~uintptr_t{0};  // address >> 3
  uint32_t interval = 0;           // the interval number's low bits (the table is cleared when they wrap)
  uint8_t mask[2] = {0, 0};        // bytes logged, per kind
};

}  // namespace

struct Interval {
  uint64_t number = 1;
  Run runs[2][kRuns];
  size_t nruns[2] = {0, 0};
  std::vector<Record> records;
  std::vector<uint64_t> pcs;
  Granule granules[kGranules];
  std::vector<RmacheckLocalRecord> out;  // reused by flush
  size_t compact_at = kCompactRecords;
  uintptr_t last_pc = 0;
  uint32_t last_depth = 0;
};

uintptr_t* allocate_shadow_stack() { return static_cast<uintptr_t*>(std::calloc(kShadowDepth, sizeof(uintptr_t))); }

namespace {

Interval& interval() {
  FastState& f = t_fast;
  if (!f.interval) f.interval = new Interval;  // per thread, kept to the end of the process
  return *f.interval;
}

// Is [a, a + n) inside one granule whose logged bytes of this kind cover it?
inline bool granule_covered(const Interval& iv, uintptr_t a, size_t n, uint32_t kind) {
  if ((a & 7) + n > 8) return false;
  const Granule& g = iv.granules[(a >> 3) % kGranules];
  const uint8_t m = static_cast<uint8_t>(((1u << n) - 1) << (a & 7));
  return g.base == (a >> 3) && g.interval == static_cast<uint32_t>(iv.number) && (g.mask[kind] & m) == m;
}

void mark_granules(Interval& iv, uintptr_t a, size_t n, uint32_t kind) {
  if (n > 64) return;  // big ranges are runs; the granules serve scattered small accesses
  for (uintptr_t p = a; p < a + n;) {
    const uintptr_t next = std::min<uintptr_t>((p | 7) + 1, a + n);
    Granule& g = iv.granules[(p >> 3) % kGranules];
    if (g.base != (p >> 3) || g.interval != static_cast<uint32_t>(iv.number))
      g = Granule{p >> 3, static_cast<uint32_t>(iv.number), {0, 0}};
    g.mask[kind] |= static_cast<uint8_t>(((1u << (next - p)) - 1) << (p & 7));
    p = next;
  }
}

// Logs [a, a + n) in the granules; false if they had all of it for this kind already.
inline bool granule_claim(Interval& iv, uintptr_t a, size_t n, uint32_t kind) {
  if ((a & 7) + n > 8) {
    if (granule_covered(iv, a, n, kind)) return false;
    mark_granules(iv, a, n, kind);
    return true;
  }
  Granule& g = iv.granules[(a >> 3) % kGranules];
  const uint8_t m = static_cast<uint8_t>(((1u << n) - 1) << (a & 7));
  const uint32_t number = static_cast<uint32_t>(iv.number);
  if (g.base != (a >> 3) || g.interval != number) {
    g = Granule{a >> 3, number, {0, 0}};
  } else if ((g.mask[kind] & m) == m) {
    return false;
  }
  g.mask[kind] |= m;
  return true;
}

// The hot run (FastState) grew without the runtime seeing it: write it back into its run and record.
void sync_hot(Interval& iv) {
  FastState& f = t_fast;
  for (uint32_t k = 0; k < 2; ++k) {
    if (!iv.nruns[k]) continue;
    Run& r = iv.runs[k][0];
    Record& rec = iv.records[r.record];
    if (r.stride) {
      r.next = f.hot_next[k];
      rec.nelem = (r.next - r.lo) / r.stride;
    } else {
      if (f.hot_hi[k] == 0) continue;
      r.hi = f.hot_hi[k];
      rec.hi = r.hi;
    }
    rec.count += f.hot_count[k];
    f.hot_count[k] = 0;
  }
}

void publish_hot(Interval& iv) {
  FastState& f = t_fast;
  for (uint32_t k = 0; k < 2; ++k) {
    f.hot_lo[k] = f.hot_hi[k] = f.hot_pc[k] = f.hot_next[k] = f.hot_stride[k] = f.hot_width[k] = 0;
    f.hot_count[k] = 0;
    if (!iv.nruns[k]) continue;
    const Run& r = iv.runs[k][0];
    f.hot_pc[k] = r.pc;
    if (r.stride) {
      f.hot_next[k] = r.next, f.hot_stride[k] = r.stride, f.hot_width[k] = r.hi - r.lo;
    } else {
      f.hot_lo[k] = r.lo, f.hot_hi[k] = r.hi;
    }
  }
}

// Strided records of one kind, pc, stride and length whose elements touch become one with
// wider elements (a transpose's columns, side by side); when the elements touch each other
// the record is contiguous.
void merge_columns(Interval& iv) {
  std::vector<Record>& recs = iv.records;
  std::vector<size_t> strided;
  for (size_t i = 0; i < recs.size(); ++i)
    if (recs[i].nelem > 1) strided.push_back(i);
  if (strided.size() < 2) return;
  std::stable_sort(strided.begin(), strided.end(), [&](size_t i, size_t j) {
    const Record &x = recs[i], &y = recs[j];
    const uint64_t px = iv.pcs[x.stack_begin], py = iv.pcs[y.stack_begin];
    if (x.kind != y.kind) return x.kind < y.kind;
    if (px != py) return px < py;
    if (x.stride != y.stride) return x.stride < y.stride;
    if (x.nelem != y.nelem) return x.nelem < y.nelem;
    return x.lo < y.lo;
  });
  bool merged = false;
  size_t last = strided[0];
  for (size_t k = 1; k < strided.size(); ++k) {
    Record &l = recs[last], &r = recs[strided[k]];
    if (l.nelem > 1 && l.kind == r.kind && iv.pcs[l.stack_begin] == iv.pcs[r.stack_begin] && l.stride == r.stride &&
        l.nelem == r.nelem && r.lo <= l.hi) {
      l.hi = std::max(l.hi, r.hi);
      l.count += r.count;
      r.count = 0, r.nelem = 0;  // merged away
      merged = true;
      if (l.hi - l.lo >= l.stride) {
        l.hi = l.lo + (l.nelem - 1) * l.stride + (l.hi - l.lo);
        l.stride = 0, l.nelem = 1;
      }
      continue;
    }
    last = strided[k];
  }
  if (merged)
    recs.erase(std::remove_if(recs.begin(), recs.end(), [](const Record& r) { return r.nelem == 0; }), recs.end());
}

// A strided record as the records of its elements, in its place.
void expand_strided(Interval& iv) {
  std::vector<Record>& recs = iv.records;
  size_t extra = 0;
  for (const Record& r : recs) extra += r.nelem - 1;
  if (!extra) return;
  std::vector<Record> out;
  out.reserve(recs.size() + extra);
  for (const Record& r : recs) {
    if (r.nelem == 1) {
      out.push_back(r);
      continue;
    }
    // Each element its share of the accesses (merged columns: one per column), the rest with the first.
    const uint32_t share = static_cast<uint32_t>(r.count / r.nelem);
    for (uint64_t k = 0; k < r.nelem; ++k) {
      Record e = r;
      e.lo = r.lo + k * r.stride, e.hi = r.hi + k * r.stride;
      e.count = k == 0 ? static_cast<uint32_t>(r.count - share * (r.nelem - 1)) : share;
      e.stride = 0, e.nelem = 1;
      out.push_back(e);
    }
  }
  recs.swap(out);
}

// Records of one kind and pc whose ranges touch become one (a strided loop fills a block
// column by column: its records merge as the columns meet). Order inside an interval does not
// matter: every record of it sits at the same place among the thread's MPI calls. Strided
// records merge among themselves; `expand` (the interval is handed over) makes the rest the
// records of their elements first, so the result is the same as if each access had made one.
void compact(Interval& iv, bool expand) {
  merge_columns(iv);
  if (expand) expand_strided(iv);
  std::vector<Record>& recs = iv.records;
  // Contiguous records first (sorted), the strided ones after them as they are.
  std::stable_sort(recs.begin(), recs.end(), [&](const Record& x, const Record& y) {
    if ((x.nelem > 1) != (y.nelem > 1)) return x.nelem == 1;
    if (x.nelem > 1) return false;
    const uint64_t px = iv.pcs[x.stack_begin], py = iv.pcs[y.stack_begin];
    return x.kind != y.kind ? x.kind < y.kind : px != py ? px < py : x.lo < y.lo;
  });
  size_t out = 0;
  for (size_t i = 0; i < recs.size(); ++i) {
    if (out > 0 && recs[i].nelem == 1) {
      Record& last = recs[out - 1];
      if (last.nelem == 1 && last.kind == recs[i].kind && iv.pcs[last.stack_begin] == iv.pcs[recs[i].stack_begin] &&
          recs[i].lo <= last.hi) {
        last.hi = std::max(last.hi, recs[i].hi);
        last.count += recs[i].count;
        continue;
      }
    }
    recs[out++] = recs[i];
  }
  recs.resize(out);
  iv.nruns[0] = iv.nruns[1] = 0;  // runs point at records by index
}

void hand_over(Interval& iv) {
  sync_hot(iv);
  RmacheckLocalSink sink = g_sink.load(std::memory_order_acquire);
  if (sink && !iv.records.empty()) {
    compact(iv, true);
    iv.out.clear();
    for (const Record& r : iv.records)
      iv.out.push_back({r.lo, r.hi, r.kind, r.count, iv.pcs.data() + r.stack_begin, r.stack_len});
    sink(iv.out.data(), iv.out.size());
  }
  iv.records.clear();
  iv.pcs.clear();
  // Runs point into the records: a batch handed over mid-interval closes them (the granules still
  // remember the bytes, so a loop that goes on costs one record per batch, not one per access).
  iv.nruns[0] = iv.nruns[1] = 0;
  publish_hot(iv);
}

void log_access_synced(Interval& iv, uintptr_t a, size_t n, uint32_t kind, uintptr_t pc);

void log_access(uintptr_t a, size_t n, uint32_t kind, uintptr_t pc) {
  Interval& iv = interval();
  sync_hot(iv);
  log_access_synced(iv, a, n, kind, pc);
  publish_hot(iv);
}

void log_access_synced(Interval& iv, uintptr_t a, size_t n, uint32_t kind, uintptr_t pc) {
  Run* runs = iv.runs[kind];
  size_t& nruns = iv.nruns[kind];
  const uintptr_t end = a + n;
  // Already logged: inside an open run (most recent first).
  for (size_t i = 0; i < nruns; ++i) {
    const Run& r = runs[i];
    const bool inside =
        r.stride == 0 ? a >= r.lo && end <= r.hi : a >= r.lo && a < r.next && (a - r.lo) % r.stride + n <= r.hi - r.lo;
    if (inside) {
      ++iv.records[r.record].count;
      if (i) std::swap(runs[0], runs[i]);
      return;
    }
  }
  // The same instruction continuing a run (a loop): the run and its record grow.
  for (size_t i = 0; i < nruns; ++i) {
    if (runs[i].pc != pc) continue;
    if (runs[i].stride) {
      // Its next element.
      Run& r = runs[i];
      if (a != r.next || n != r.hi - r.lo) continue;
      if (!granule_claim(iv, a, n, kind)) return;  // logged by another record: as for a new one
      r.next += r.stride;
      Record& rec = iv.records[r.record];
      ++rec.nelem, ++rec.count;
      if (i) std::swap(runs[0], runs[i]);
      return;
    }
    if (a <= runs[i].hi && end >= runs[i].lo) {
      Run& r = runs[i];
      r.lo = std::min(r.lo, a), r.hi = std::max(r.hi, end);
      Record& rec = iv.records[r.record];
      rec.lo = r.lo, rec.hi = r.hi;
      ++rec.count;
      if (i) std::swap(runs[0], runs[i]);
      return;
    }
  }
  if (granule_covered(iv, a, n, kind)) return;
  // The same instruction, the same size, past the end of a one-access run: a column's second
  // element, the run becomes strided (the record stands for the records of its elements).
  for (size_t i = 0; i < nruns; ++i) {
    Run& r = runs[i];
    Record& rec = iv.records[r.record];
    if (r.pc != pc || r.stride || a <= r.hi || n != r.hi - r.lo || rec.nelem != 1 || rec.lo != r.lo || rec.hi != r.hi)
      continue;
    r.stride = rec.stride = a - r.lo;
    r.next = a + r.stride;
    rec.nelem = 2, ++rec.count;
    mark_granules(iv, a, n, kind);
    if (i) std::swap(runs[0], runs[i]);
    return;
  }
  // A new record with the first access's pc and the shadow stack.
  if (iv.records.size() >= iv.compact_at) {
    compact(iv, false);
    if (iv.records.size() >= kCompactRecords / 2) hand_over(iv);
    iv.compact_at = std::max(kCompactRecords, 2 * iv.records.size());
  }
  const FastState& f = t_fast;
  Record rec{a, end, kind, 1, static_cast<uint32_t>(iv.pcs.size()), 0};
  const uint32_t depth = std::min(f.depth, kShadowDepth);
  // The same instruction at the same call depth as the previous record: share its stack.
  if (!iv.records.empty() && iv.last_pc == pc && iv.last_depth == f.depth) {
    rec.stack_begin = iv.records.back().stack_begin;
    rec.stack_len = iv.records.back().stack_len;
  } else {
    iv.pcs.push_back(pc);
    for (uint32_t d = depth; d > 0 && iv.pcs.size() - rec.stack_begin < kRecordFrames; --d)
      iv.pcs.push_back(f.stack ? f.stack[d - 1] : 0);
    rec.stack_len = static_cast<uint32_t>(iv.pcs.size() - rec.stack_begin);
    iv.last_pc = pc;
    iv.last_depth = f.depth;
  }
  iv.records.push_back(rec);
  mark_granules(iv, a, n, kind);
  // The new run replaces the least recently used one.
  const size_t slot = nruns < kRuns ? nruns++ : kRuns - 1;
  for (size_t i = slot; i > 0; --i) runs[i] = runs[i - 1];
  runs[0] = Run{a, end, pc, iv.records.size() - 1};
}

}  // namespace

void next_element(uintptr_t a, size_t n, uint32_t kind) {
  FastState& f = t_fast;
  Interval& iv = *f.interval;  // a hot run exists: so does the interval
  if (!granule_claim(iv, a, n, kind)) return;
  f.hot_next[kind] += f.hot_stride[kind];
  ++f.hot_count[kind];
}

void slow_access(uintptr_t a, size_t n, uint32_t kind, uintptr_t pc) {
  const Lookup l = watch_table().lookup(a, n);
  if (!l.watched) {
    FastState& f = t_fast;
    const uintptr_t len = l.gap_hi - l.gap_lo;
    f.gap_lo = l.gap_lo;
    f.gap_len = len > kMaxFastAccess ? len - kMaxFastAccess : 0;
    f.generation = l.generation;
    return;
  }
  if (!g_sink.load(std::memory_order_relaxed)) return;
  log_access(a, n, kind, pc);
}

void on_range(uintptr_t a, size_t n, uint32_t kind, uintptr_t pc) {
  if (n == 0) return;
  FastState& f = t_fast;
  if (a - f.gap_lo < f.gap_len && n <= f.gap_len - (a - f.gap_lo) + kMaxFastAccess &&
      f.generation == watch_table().generation())
    return;
  const Lookup l = watch_table().lookup(a, n);
  if (!l.watched || !g_sink.load(std::memory_order_relaxed)) return;
  log_access(a, n, kind, pc);
}

void flush_thread() {
  FastState& f = t_fast;
  if (!f.interval) return;
  Interval& iv = *f.interval;
  hand_over(iv);
  // The granules of the old interval are stale from here on (all of them, once the low bits wrap).
  if (static_cast<uint32_t>(++iv.number) == 0) {
    for (Granule& g : iv.granules) g = Granule{};
    ++iv.number;
  }
  iv.compact_at = kCompactRecords;
  iv.last_pc = 0;
}

int thread_pending() {
  const Interval* iv = t_fast.interval;
  return iv != nullptr && !iv->records.empty();
}

void set_sink(RmacheckLocalSink sink) { g_sink.store(sink, std::memory_order_release); }

}  // namespace rmacheck::access
