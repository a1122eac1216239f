// Data races between MPI operations (rma-semantics.md section 4):
// rma-conflict, target-local-conflict and origin-buffer-conflict.
//
// Accesses are checked in the order they were issued. Each process's
// memory is an interval map of segments; a segment remembers, per issuing
// rank and per kind of access, the latest access that touched it (as
// FastTrack keeps the last write and the reads since). A new access is
// checked against the remembered ones of every segment it overlaps; a pair
// races when they overlap, one writes, they are not both element-aligned
// atomics of one basic type, and the earlier one has not taken effect
// (its completion node) before the later one was issued, by happens-before.
// The cost is proportional to accesses x segments touched, not to pairs.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "detectors/detector.h"
#include "detectors/local_race_words.h"
#include "detectors/race_context.h"
#include "model/happens_before.h"
#include "model/memory_accesses.h"

namespace rmacheck {

namespace {

// What a segment remembers the latest access of, per issuing thread (a
// happens-before lane: a rank, or one thread of a threaded rank): where it
// happened (an RMA target, or the issuer's own buffers) and what it did.
enum class AccessClass : uint8_t { kOriginRead, kOriginWrite, kOriginAtomic, kTargetRead, kTargetWrite, kTargetAtomic };

// The earlier access as far as the common checks need it (kind, completion),
// so that most pairs are decided without loading the access itself.
struct Slot {
  uint32_t access;      // index into the Remembered accesses
  uint32_t lane;        // HappensBefore::lane_of the issuing call
  int64_t complete_at;  // the access's completion node (MemAccess::complete())
  int32_t complete_rank;
  AccessClass cls;
  AccessKind kind;
};
static_assert(sizeof(Slot) == 24, "three words per remembered access");

// A segment's slots: one per (lane, class) that touched it; most segments have one or two.
class Slots {
 public:
  const Slot* begin() const { return n_ <= kInline ? inline_ : more_.data(); }
  const Slot* end() const { return begin() + n_; }
  Slot* begin() { return n_ <= kInline ? inline_ : more_.data(); }
  Slot* end() { return begin() + n_; }
  size_t size() const { return n_; }
  // Drops the slots `dead` says are; the others keep their order.
  template <class Pred>
  void remove_if(Pred dead) {
    Slot* out = begin();
    for (Slot* in = begin(); in != end(); ++in)
      if (!dead(*in)) *out++ = *in;
    const auto left = static_cast<uint32_t>(out - begin());
    if (n_ > kInline && left <= kInline) {
      Slot keep[kInline];
      std::copy(begin(), begin() + left, keep);
      more_ = {};
      std::copy(keep, keep + left, inline_);
    } else if (n_ > kInline) {
      more_.resize(left);
    }
    n_ = left;
  }
  bool same_as(const Slots& o) const {
    if (n_ != o.n_) return false;
    for (const Slot *a = begin(), *b = o.begin(); a != end(); ++a, ++b)
      if (a->access != b->access || a->lane != b->lane || a->cls != b->cls) return false;
    return true;
  }
  void push_back(const Slot& s) {
    if (n_ < kInline) {
      inline_[n_++] = s;
      return;
    }
    if (n_ == kInline) more_.assign(inline_, inline_ + kInline);
    more_.push_back(s);
    ++n_;
  }

 private:
  static constexpr uint32_t kInline = 2;
  uint32_t n_ = 0;
  Slot inline_[kInline];
  std::vector<Slot> more_;
};

struct Segment {
  int64_t hi;
  Slots slots;
};

// Segment start address -> segment, open addressing: the common access
// touches exactly the bytes an earlier one did (a loop over one buffer), and
// one probe of a small dense table finds it.
class SegmentIndex {
 public:
  Segment* find(int64_t lo) const {
    if (keys_.empty()) return nullptr;
    for (size_t i = slot_of(lo);; i = (i + 1) & mask_) {
      if (vals_[i] == nullptr) return nullptr;
      if (keys_[i] == lo) return vals_[i];
    }
  }
  // Where lo's probe starts, for prefetching (nullptr: empty). The caller
  // prefetches: GCC takes a member function that only prefetches for pure
  // and drops the call whose result is unused.
  const int64_t* key_at(int64_t lo) const { return keys_.empty() ? nullptr : &keys_[slot_of(lo)]; }
  Segment* const* value_at(int64_t lo) const { return keys_.empty() ? nullptr : &vals_[slot_of(lo)]; }
  void set(int64_t lo, Segment* seg) {
    if ((used_ + 1) * 2 > keys_.size()) grow();
    for (size_t i = slot_of(lo);; i = (i + 1) & mask_) {
      if (vals_[i] == nullptr) {
        keys_[i] = lo, vals_[i] = seg, ++used_;
        return;
      }
      if (keys_[i] == lo) {
        vals_[i] = seg;
        return;
      }
    }
  }

 private:
  size_t slot_of(int64_t lo) const {
    return static_cast<size_t>((static_cast<uint64_t>(lo) * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }
  void grow() {
    std::vector<int64_t> keys = std::move(keys_);
    std::vector<Segment*> vals = std::move(vals_);
    const size_t cap = std::max<size_t>(64, keys.size() * 2);
    keys_.assign(cap, 0);
    vals_.assign(cap, nullptr);
    mask_ = cap - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(cap));
    used_ = 0;
    for (size_t i = 0; i < keys.size(); ++i)
      if (vals[i]) set(keys[i], vals[i]);
  }
  std::vector<int64_t> keys_;
  std::vector<Segment*> vals_;
  size_t mask_ = 0, used_ = 0;
  unsigned shift_ = 64;
};

// One process's memory: segments by start address (for overlaps), and the
// same segments by exact start (for repeats). Segments live in a deque (their
// addresses are stable) and are split as accesses need; only a collection at
// a cut (SegmentCollector) drops them, by building the memory anew.
struct Memory {
  using Map = std::map<int64_t, Segment*>;
  Map segs;
  SegmentIndex by_lo;
  std::deque<Segment> pool;
  Map::iterator insert(Map::iterator hint, int64_t lo, Segment s) {
    pool.push_back(std::move(s));
    auto it = segs.emplace_hint(hint, lo, &pool.back());
    by_lo.set(lo, &pool.back());
    return it;
  }
};

// Dropping what can race with nothing to come (issue 14: memory bounded by the synchronization, not by the
// run's length). A remembered access whose completion happens before the place every rank has reached in
// issue order (its first event at or after the current access's entry time) happens before every access
// still to be checked: that check would pass it over, so the slot goes; segments left without slots go,
// and neighbours left with the same slots become one. The findings are the same with or without it. A
// program that uses fresh addresses (buffers allocated per iteration, windows attached anew) would
// otherwise keep a segment for every range it ever touched.
//
// Every rank must be one happens-before lane whose events are in time order, so that "at or after the
// current time" is a suffix of its events; else (threads) nothing is collected. An access handed out of
// time order switches collection off for the rest of the run.
class SegmentCollector {
 public:
  // Every rank has a lane of its own, in rank order: as many lanes as ranks means lane r is rank r.
  SegmentCollector(const Model& model, const HappensBefore& hb, bool events_in_time_order)
      : model_(model),
        hb_(hb),
        enabled_(events_in_time_order && model.world_size > 0 &&
                 hb.lane_count() == static_cast<size_t>(model.world_size)) {}
  // Called with each access's time before it is checked; collects when due.
  void before(int64_t t, std::vector<Memory>& memory) {
    if (!enabled_) return;
    if (t < last_time_) {
      enabled_ = false;
      return;
    }
    last_time_ = t;
    if (++since_check_ < kCheckEvery) return;
    since_check_ = 0;
    size_t segments = 0;
    for (const Memory& m : memory) segments += m.pool.size();
    // As many made since the last collection as it kept (at least 2^16): O(1) per segment made.
    if (segments - kept_ >= std::max(kMinCollection, kept_)) collect(t, memory);
  }

 private:
  static constexpr size_t kMinCollection = size_t{1} << 16, kCheckEvery = 4096;

  void collect(int64_t now, std::vector<Memory>& memory) {
    const int n = model_.world_size;
    // cut[l]: the last node of lane l that happens before every rank's place (-1: none; INT64_MAX: every
    // rank has finished). A rank's place is the entry of its first event at or after `now`.
    std::vector<int64_t> cut(static_cast<size_t>(n), INT64_MAX);
    for (int r = 0; r < n; ++r) {
      const RankLog* log = model_.rank_log(r);
      if (!log) continue;
      const auto at = std::partition_point(log->events.begin(), log->events.end(),
                                           [now](const Event& e) { return e.t_enter < now; });
      if (at == log->events.end()) continue;  // nothing more from this rank
      const Node place = entry_node(r, static_cast<uint32_t>(at - log->events.begin()));
      const HappensBefore::Clock c = hb_.clock(place);
      for (int l = 0; l < n; ++l) {
        const int64_t known = l == r ? place.index : c.row ? c.row[l] : -1;
        cut[static_cast<size_t>(l)] = std::min(cut[static_cast<size_t>(l)], known);
      }
    }
    auto dead = [&](const Slot& s) {
      return s.complete_at >= 0 && s.complete_rank >= 0 && s.complete_rank < n &&
             s.complete_at <= cut[static_cast<size_t>(s.complete_rank)];
    };
    kept_ = 0;
    for (Memory& m : memory) {
      Memory fresh;
      Segment* last = nullptr;
      for (auto& [lo, seg] : m.segs) {
        seg->slots.remove_if(dead);
        if (seg->slots.size() == 0) {
          last = nullptr;
          continue;
        }
        if (last && last->hi == lo && last->slots.same_as(seg->slots)) {
          last->hi = seg->hi;
          continue;
        }
        fresh.insert(fresh.segs.end(), lo, std::move(*seg));
        last = &fresh.pool.back();
      }
      kept_ += fresh.pool.size();
      m = std::move(fresh);
    }
  }

  const Model& model_;
  const HappensBefore& hb_;
  bool enabled_;
  int64_t last_time_ = INT64_MIN;
  size_t since_check_ = 0;
  size_t kept_ = 0;  // segments the last collection kept
};

// The accesses that segments remember, appended as they are checked (the
// stream hands each out once). Compaction keeps only those some slot still
// refers to; it visits every slot, so it waits until as many entries were
// appended as it kept and as there were slots to visit (at least 2^18): the
// store holds about twice what the segments remember, not the run's
// accesses, and compacting costs O(1) per access.
class Remembered {
 public:
  struct Entry {
    MemAccess access;
    uint64_t number;  // in issue order
  };
  // Twice the first compaction's size, so that the later ones (with what stays live on top) fit in it too;
  // only the pages that are written become resident.
  Remembered() { entries_.reserve(2 * kMinCompaction); }
  const Entry& operator[](uint32_t i) const { return entries_[i]; }
  // Compacts first if due (no slot may refer to an access being checked at that moment).
  uint32_t add(const MemAccess& a, uint64_t number, std::vector<Memory>& memory) {
    if (entries_.size() - live_ >= std::max({kMinCompaction, live_, slots_})) compact(memory);
    if (entries_.size() >= UINT32_MAX) throw std::length_error("more than 2^32 remembered memory accesses");
    entries_.push_back({a, number});
    return static_cast<uint32_t>(entries_.size() - 1);
  }

 private:
  static constexpr size_t kMinCompaction = size_t{1} << 18;
  void compact(std::vector<Memory>& memory) {
    constexpr uint32_t kGone = UINT32_MAX;
    std::vector<uint32_t> moved(entries_.size(), kGone);
    std::vector<Entry> kept;
    slots_ = 0;
    for (Memory& m : memory)
      for (Segment& seg : m.pool)
        for (Slot& slot : seg.slots) {
          ++slots_;
          uint32_t& to = moved[slot.access];
          if (to == kGone) {
            to = static_cast<uint32_t>(kept.size());
            kept.push_back(entries_[slot.access]);
          }
          slot.access = to;
        }
    live_ = kept.size();
    entries_.assign(kept.begin(), kept.end());  // keeps the capacity: no new pages to fault in
    // Room for what is appended until the next compaction, and no more: doubling past it left a buffer
    // twice that (33.5 MB at 2^18 entries of 64 bytes) and, while it grew, the old one beside it.
    entries_.reserve(live_ + std::max({kMinCompaction, live_, slots_}) + 1);
  }
  std::vector<Entry> entries_;
  size_t live_ = 0;   // entries kept by the last compaction
  size_t slots_ = 0;  // slots it visited
};

AccessClass access_class(const MemAccess& a) {
  if (atomic(a.kind)) return a.at_target ? AccessClass::kTargetAtomic : AccessClass::kOriginAtomic;
  if (writes(a.kind)) return a.at_target ? AccessClass::kTargetWrite : AccessClass::kOriginWrite;
  return a.at_target ? AccessClass::kTargetRead : AccessClass::kOriginRead;
}

// For the same-op rule, Compare_and_swap is a (conditional) MPI_REPLACE:
// CAS and Fetch_and_op(MPI_REPLACE) on one location are atomic together, as
// MCS locks rely on (rma-semantics.md section 4).
int16_t same_op_class(int16_t op) { return op == kOpCompareAndSwap ? static_cast<int16_t>(kOp_MPI_REPLACE) : op; }

// Accumulate-family operations are element-wise atomic with each other when
// they use the same basic type (a pair type such as MPI_2INT is one element)
// on the same element boundaries and, under the window's default
// accumulate_ops = same_op_no_op (MPI-3.1 11.2.1), the same op or
// MPI_NO_OP: concurrent SUM and MAX on one element are undefined.
// `issue_ordered`: a was issued before b in the origin's program order (one
// thread, or threads that synchronize between the two calls).
bool atomic_compatible(const MemAccess& a, const MemAccess& b, bool issue_ordered) {
  if (!atomic(a.kind) || !atomic(b.kind) || !a.at_target || !b.at_target) return false;
  if (a.basic < 0 || a.basic != b.basic || a.basic_size <= 0) return false;
  // Default accumulate_ordering (rar,raw,war,waw): one origin's accumulates
  // are ordered among themselves, per basic datatype (MPI-3.1 11.7.2), in
  // the order they were issued; two threads that nothing orders issue them
  // in no order at all.
  if (a.issuer == b.issuer && issue_ordered) return true;
  const int16_t oa = same_op_class(a.op), ob = same_op_class(b.op);
  if (oa != ob && oa != kOp_MPI_NO_OP && ob != kOp_MPI_NO_OP) return false;
  return (a.lo - b.lo) % a.basic_size == 0;  // same element boundaries: no straddling
}

const char* verb(AccessKind k) {
  switch (k) {
    case AccessKind::kRead:
      return "read";
    case AccessKind::kWrite:
      return "write";
    case AccessKind::kAtomicRead:
      return "atomic read";
    default:
      return "atomic write";
  }
}

class RaceDetector : public Detector {
 public:
  const char* name() const override { return "race"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    ctx_ = &ctx;
    const Model& model = ctx.model();
    const HappensBefore& hb = ctx.happens_before();
    for (const std::string& w : hb.warnings()) out.notes.push_back("happens-before: " + w);
    AccessStream stream(model, ctx.requests(), hb);
    std::vector<Memory> memory(static_cast<size_t>(std::max(model.world_size, 1)));
    Remembered remembered;
    SegmentCollector collector(model, hb, stream.events_in_time_order());
    std::set<std::pair<uint64_t, uint64_t>> reported;
    std::map<std::vector<uint64_t>, size_t> merged;  // what the report would merge -> index in out.findings
    std::vector<uint32_t> clock_hints;               // per lane, for hb.clock in issue order
    // Issue order jumps between ranks: the segment index entry of each
    // access, then its segment, would be cache misses. Take accesses ahead
    // and prefetch: the entry when an access is taken, its segment half way.
    constexpr size_t kAhead = 16, kSegmentAt = kAhead / 2;
    MemAccess ahead[kAhead];
    int64_t ahead_time[kAhead];  // their calls' t_enter, the order they come in
    size_t first = 0, held = 0;
    auto memory_of = [&memory](const MemAccess& a) -> Memory* {
      return a.process >= 0 && static_cast<size_t>(a.process) < memory.size() ? &memory[static_cast<size_t>(a.process)]
                                                                              : nullptr;
    };
    for (uint64_t number = 0;; ++number) {
      while (held < kAhead && stream.next(ahead[(first + held) % kAhead], &ahead_time[(first + held) % kAhead])) {
        const MemAccess& next = ahead[(first + held) % kAhead];
        if (const Memory* m = memory_of(next))
          if (const int64_t* key = m->by_lo.key_at(next.lo)) {
            __builtin_prefetch(key);
            __builtin_prefetch(m->by_lo.value_at(next.lo));
          }
        ++held;
      }
      if (held == 0) break;
      if (held > kSegmentAt) {
        const MemAccess& soon = ahead[(first + kSegmentAt) % kAhead];
        if (const Memory* m = memory_of(soon))
          if (Segment* const* v = m->by_lo.value_at(soon.lo); v && *v)
            for (size_t line = 0; line < sizeof(Segment); line += 64)
              __builtin_prefetch(reinterpret_cast<const char*>(*v) + line);
      }
      const MemAccess b = ahead[first];
      const int64_t b_time = ahead_time[first];
      first = (first + 1) % kAhead, --held;
      Memory* of_b = memory_of(b);
      if (!of_b) continue;
      collector.before(b_time, memory);
      Memory& mem = *of_b;
      const HappensBefore::Clock issued = hb.clock(entry_node(b.issuer, b.event), clock_hints);
      const uint32_t kept = remembered.add(b, number, memory);
      if (Segment* same = mem.by_lo.find(b.lo); same && same->hi == b.hi) {
        check(model, hb, b, number, issued, *same, remembered, reported, merged, out);
        remember(*same, b, kept, issued.lane);
        continue;
      }
      split(mem, b.lo);
      split(mem, b.hi);
      // Fill holes so every byte of [lo, hi) has a segment.
      int64_t at = b.lo;
      for (auto it = mem.segs.lower_bound(b.lo); at < b.hi;) {
        if (it == mem.segs.end() || it->first > at) {
          const int64_t end = it == mem.segs.end() ? b.hi : std::min(b.hi, it->first);
          it = mem.insert(it, at, Segment{end, {}});
        }
        check(model, hb, b, number, issued, *it->second, remembered, reported, merged, out);
        remember(*it->second, b, kept, issued.lane);
        at = it->second->hi;
        ++it;
      }
    }
  }

 private:
  // Splits the segment containing x so that a segment starts at x.
  static void split(Memory& mem, int64_t x) {
    auto it = mem.segs.upper_bound(x);
    if (it == mem.segs.begin()) return;
    auto left = std::prev(it);
    if (left->first < x && x < left->second->hi) {
      Segment right{left->second->hi, left->second->slots};
      left->second->hi = x;
      mem.insert(it, x, std::move(right));
    }
  }

  static void remember(Segment& s, const MemAccess& a, uint32_t kept, uint32_t lane) {
    const AccessClass k = access_class(a);
    const Slot now{kept, lane, a.complete_at, a.complete_rank, k, a.kind};
    for (Slot& slot : s.slots)
      if (slot.lane == lane && slot.cls == k) {
        slot = now;
        return;
      }
    s.slots.push_back(now);
  }

  void check(const Model& model, const HappensBefore& hb, const MemAccess& b, uint64_t bi,
             const HappensBefore::Clock& issued, const Segment& seg, const Remembered& remembered,
             std::set<std::pair<uint64_t, uint64_t>>& reported, std::map<std::vector<uint64_t>, size_t>& merged,
             Analysis& out) {
    for (const Slot& slot : seg.slots) {
      // The filters below are independent; the two that need only the slot come first.
      if (!writes(slot.kind) && !writes(b.kind)) continue;
      if (hb.ordered(Node{slot.complete_rank, slot.complete_at}, issued)) continue;
      const MemAccess& a = remembered[slot.access].access;
      if (a.issuer == b.issuer && a.event == b.event) continue;  // one call (Sendrecv_replace, Get_accumulate)
      // Two threads of one rank racing with plain loads and stores is a data race of the program that
      // involves no MPI call (ThreadSanitizer's business, not this checker's).
      if (a.issuer == b.issuer && slot.lane != issued.lane && is_local_access(model.event({a.issuer, a.event}).call) &&
          is_local_access(model.event({b.issuer, b.event}).call))
        continue;
      if (atomic_compatible(
              a, b,
              a.issuer == b.issuer && (slot.lane == issued.lane || hb.ordered(exit_node(a.issuer, a.event), issued))))
        continue;
      // Issue order is wall-clock order, which happens-before need not
      // follow: a Put buffered by a lazy lock is issued before a store that
      // the lock order puts ahead of it. Concurrent means ordered neither way.
      if (hb.ordered(b.complete(), entry_node(a.issuer, a.event))) continue;
      if (!reported.insert({remembered[slot.access].number, bi}).second) continue;
      // A race repeated in a loop: count it on the finding already made for
      // these two call sites instead of making another (the report would merge them).
      const uint64_t ka = side_key(model, a), kb = side_key(model, b);
      const std::vector<uint64_t> key = merge_key(model, a, b, ka, kb);
      auto [it, fresh] = merged.emplace(key, out.findings.size());
      if (!fresh) {
        Finding& f = out.findings[it->second];
        ++f.count;
        for (int r : {a.issuer, b.issuer})
          if (std::find(f.ranks.begin(), f.ranks.end(), r) == f.ranks.end()) f.ranks.push_back(r);
        // The ranks in the order of the finding's sides (symmetric sides sorted).
        const bool a_first = ka == kb ? a.issuer <= b.issuer : ka == first_side_[it->second];
        ++f.rank_tuples[a_first ? std::vector<int>{a.issuer, b.issuer} : std::vector<int>{b.issuer, a.issuer}];
        continue;
      }
      out.findings.push_back(describe(model, a, b));
      Finding& f = out.findings.back();
      describe_race_side(*ctx_, a, f.accesses[0]);
      describe_race_side(*ctx_, b, f.accesses[1]);
      f.rank_tuples[{a.issuer, b.issuer}] = 1;
      first_side_.resize(out.findings.size());
      first_side_.back() = ka;
    }
  }

  static FindingKind kind_of(const Model& model, const MemAccess& a, const MemAccess& b) {
    // Two loads/stores of different ranks meet only in a shared-memory window: the owner's memory.
    if (is_local_access(model.event({a.issuer, a.event}).call) &&
        is_local_access(model.event({b.issuer, b.event}).call))
      return kKind_target_local_conflict;
    return a.at_target && b.at_target   ? kKind_rma_conflict
           : a.at_target || b.at_target ? kKind_target_local_conflict
                                        : kKind_origin_buffer_conflict;
  }

  // One side of the report's merge key: call, site and access, without symbolizing
  // (the site hash with the call id and the access kind mixed into high bits).
  static constexpr int kCallShift = 40, kAccessKindShift = 56;
  static uint64_t side_key(const Model& model, const MemAccess& m) {
    EventView v = model.view({m.issuer, m.event});
    return v.site_key() ^ (static_cast<uint64_t>(model.event({m.issuer, m.event}).call) << kCallShift) ^
           (static_cast<uint64_t>(m.kind) << kAccessKindShift);
  }

  // The report's merge key (kind, window, both sides' keys).
  static std::vector<uint64_t> merge_key(const Model& model, const MemAccess& a, const MemAccess& b, uint64_t sa,
                                         uint64_t sb) {
    auto win = [&](const MemAccess& m) { return m.at_target ? model.view({m.issuer, m.event}).get_or(kF_win, 0) : 0; };
    if (sa > sb) std::swap(sa, sb);
    // A race of one rank with itself is another bug than one between two ranks at the same lines.
    return {static_cast<uint64_t>(kind_of(model, a, b)), static_cast<uint64_t>(win(a) ? win(a) : win(b)), sa, sb,
            a.issuer == b.issuer ? 1u : 0u};
  }

  static Finding describe(const Model& model, const MemAccess& a, const MemAccess& b) {
    Finding f;
    f.kind = kind_of(model, a, b);
    const int64_t lo = std::max(a.lo, b.lo), hi = std::min(a.hi, b.hi);
    auto side = [&](const MemAccess& m) {
      Access s;
      s.event = {m.issuer, m.event};
      s.access = verb(m.kind);
      s.target_rank = m.process;
      s.lo = lo - m.region;
      s.hi = hi - m.region;
      // Guarded pages: a page that took too many faults was left open; its bytes count as accessed.
      if (const auto widened = model.view({m.issuer, m.event}).get(kF_guard_widened))
        s.note = "range widened: the guarded page was left open after " + std::to_string(*widened) +
                 " faults in this interval, so these bytes may not all have been touched";
      return s;
    };
    f.accesses = {side(a), side(b)};
    const Event& ea = model.event({a.issuer, a.event});
    const Event& eb = model.event({b.issuer, b.event});
    // Window ids of the RMA sides, from their calls.
    const int64_t win_a = a.at_target ? model.view({a.issuer, a.event}).get_or(kF_win, 0) : 0;
    const int64_t win_b = b.at_target ? model.view({b.issuer, b.event}).get_or(kF_win, 0) : 0;
    if (win_a || win_b) f.window = model.window_name(win_a ? win_a : win_b);
    // Origin buffers of RMA calls: the window of the calls (whose epoch the buffer waits for).
    const int64_t call_win =
        model.view({a.issuer, a.event}).get_or(kF_win, model.view({b.issuer, b.event}).get_or(kF_win, 0));
    if (f.window.empty() && call_win) f.window = model.window_name(call_win);
    std::ostringstream m;
    if (f.kind == kKind_rma_conflict) {
      m << ea.name() << " from rank " << a.issuer << " and " << eb.name() << " from rank " << b.issuer
        << " access bytes [" << lo - a.region << "," << hi - a.region << ") of rank " << a.process << "'s window '"
        << model.window_name(win_a) << "'";
      if (win_a != win_b) m << " (also bytes of window '" << model.window_name(win_b) << "': the windows overlap)";
      m << ", and nothing orders them";
      if (a.issuer == b.issuer && ea.thread_slot != eb.thread_slot)
        m << " (two threads of rank " << a.issuer
          << " issued them, and no thread synchronization orders the first's completion before the second)";
      else if (a.issuer == b.issuer)
        m << " (operations from one origin are unordered until a flush, unlock or fence completes the first)";
      else if (a.complete_at >= 0 && model.event({a.complete_rank, event_of(a.complete())}).call == kCall_Win_fence)
        m << " (same fence epoch)";
    } else if (f.kind == kKind_target_local_conflict && !a.at_target && !b.at_target) {
      m << local_pair_message(model, a, b, lo, hi);
    } else if (f.kind == kKind_target_local_conflict) {
      const MemAccess& rma = a.at_target ? a : b;
      const MemAccess& local = a.at_target ? b : a;
      const Event& er = a.at_target ? ea : eb;
      const Event& el = a.at_target ? eb : ea;
      const int64_t win = a.at_target ? win_a : win_b;
      m << el.name() << " on rank " << local.issuer << " " << verb(local.kind) << "s bytes [" << lo - rma.region << ","
        << hi - rma.region << ") of its window '" << model.window_name(win) << "' while " << er.name() << " from rank "
        << rma.issuer << " may still access them";
    } else {
      const MemAccess& pending = a;  // the earlier one: issued first, not yet complete
      m << eb.name() << " on rank " << b.issuer << " " << (writes(b.kind) ? "writes" : "reads") << " bytes ["
        << lo - pending.region << "," << hi - pending.region << ") of the "
        << (writes(pending.kind) ? "receive/result" : "origin") << " buffer of the pending " << ea.name()
        << " before it completes" << completion_words(model, pending);
    }
    f.message = m.str();
    return f;
  }

  AnalysisContext* ctx_ = nullptr;
  std::vector<uint64_t> first_side_;  // per finding made here: the side key of its first access
};

}  // namespace

std::unique_ptr<Detector> make_race_detector() { return std::make_unique<RaceDetector>(); }

}  // namespace rmacheck
