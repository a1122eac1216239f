#include "model/memory_accesses.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "call_traits.h"
#include "model/checked_math.h"
#include "model/local_accesses.h"
#include "model/request_activations.h"

namespace rmacheck {

namespace {

constexpr int64_t kMinAddress = 4096;  // MPI_BOTTOM, MPI_IN_PLACE and friends are not memory
constexpr size_t kMaxBlocksPerAccess = 1 << 16;

struct Block {
  int64_t lo, hi;
  int32_t basic;
};

// A rank's datatype layouts as a walk looks them up. A call's types are
// mostly those of the call before it, so the last two found are kept (a hash
// lookup per access and block was 3.6% of an analysis); the layouts do not
// move while the model lives.
class TypeCache {
 public:
  explicit TypeCache(const RankLog& log) : log_(log) {}
  const RankLog& log() const { return log_; }
  const TypeLayout* find(int64_t id) {
    for (const Recent& r : recent_)
      if (r.layout && r.id == id) return r.layout;
    auto it = log_.types.find(id);
    if (it == log_.types.end()) return nullptr;
    recent_[next_] = {id, &it->second};
    next_ ^= 1;
    return &it->second;
  }
  // The distance between consecutive elements of a basic type (its extent):
  // the atomic unit of accumulates. For a pair type (MPI_2INT, MPI_DOUBLE_INT,
  // ...) that is the whole pair with its padding. From the predefined types'
  // layouts the ranks logged (the interposer logs those a derived type uses).
  int32_t basic_size(int32_t basic) {
    const TypeLayout* t = find(basic);
    return t ? static_cast<int32_t>(std::max(t->size, t->extent)) : 0;
  }
  std::vector<Block> blocks;  // layout()'s result, reused across calls: no allocation per access

 private:
  struct Recent {
    int64_t id = 0;
    const TypeLayout* layout = nullptr;
  };
  const RankLog& log_;
  Recent recent_[2];
  unsigned next_ = 0;
};

// The bytes `count` elements of datatype `type` cover at address `base`, as
// runs of one basic type, into types.blocks (valid until the next call).
// Empty when the bytes overflow 64-bit offsets (only a damaged log says so).
const std::vector<Block>& layout(TypeCache& types, int64_t base, int64_t count, int64_t type) {
  std::vector<Block>& out = types.blocks;
  out.clear();
  const TypeLayout* found = count > 0 ? types.find(type) : nullptr;
  if (!found) return out;
  const TypeLayout& t = *found;
  if (t.blocks.empty()) return out;
  const bool dense = t.blocks.size() == 1 && t.blocks[0].length == t.extent && t.blocks[0].offset == t.lb;
  if (dense) {
    auto lo = checked_add(base, t.blocks[0].offset);
    auto hi = lo ? checked_mul_add(*lo, count, t.extent) : std::nullopt;
    if (hi && *lo < *hi) out.push_back({*lo, *hi, t.blocks[0].basic});
    return out;
  }
  if (t.truncated || !product_at_most(static_cast<uint64_t>(count), t.blocks.size(), kMaxBlocksPerAccess)) {
    auto lo = checked_add(base, t.true_lb);
    auto last = lo ? checked_mul_add(*lo, count - 1, t.extent) : std::nullopt;
    auto hi = last ? checked_add(*last, t.true_extent) : std::nullopt;
    if (hi && *lo < *hi) out.push_back({*lo, *hi, -2});
    return out;
  }
  for (int64_t k = 0; k < count; ++k)
    for (const TypeBlockRec& b : t.blocks) {
      auto at = checked_mul_add(base, k, t.extent);
      auto lo = at ? checked_add(*at, b.offset) : std::nullopt;
      auto hi = lo ? checked_add(*lo, b.length) : std::nullopt;
      if (!hi) {
        out.clear();
        return out;
      }
      if (*hi <= *lo) continue;
      if (!out.empty() && out.back().hi == *lo && out.back().basic == b.basic)
        out.back().hi = *hi;
      else
        out.push_back({*lo, *hi, b.basic});
    }
  return out;
}

// What an RMA call does at the target: a plain read or write, or an atomic update (an atomic read under MPI_NO_OP).
AccessKind target_kind(CallRole role, int64_t op) {
  switch (role) {
    case CallRole::kPut:
      return AccessKind::kWrite;
    case CallRole::kGet:
      return AccessKind::kRead;
    case CallRole::kAccumulate:
      return AccessKind::kAtomicWrite;
    default:
      return op == kOp_MPI_NO_OP ? AccessKind::kAtomicRead : AccessKind::kAtomicWrite;  // fetching atomics
  }
}

// How far a synchronization call completes the pending RMA operations of its rank (rma-semantics.md section 2).
struct Completes {
  bool any = false;
  bool one_target = false;  // only those to the call's target (else every target)
  bool at_target = false;   // at the target too (else only the origin buffers)
  bool at_exit = false;     // by the call's return (else by its entry)
  bool every_window = false;
};
Completes completes(CallRole role) {
  switch (role) {
    case CallRole::kFence:
    case CallRole::kComplete:
    case CallRole::kWinFree:
      return {true, false, true, false, false};
    case CallRole::kUnlock:
    case CallRole::kFlush:
      return {true, true, true, true, false};
    case CallRole::kUnlockAll:
    case CallRole::kFlushAll:
      return {true, false, true, true, false};
    case CallRole::kFlushLocal:
      return {true, true, false, true, false};
    case CallRole::kFlushLocalAll:
      return {true, false, false, true, false};
    case CallRole::kFinalize:
      return {true, false, true, false, true};
    default:
      return {};
  }
}

}  // namespace

// An access waiting in a source's queue, with its order key (its call's t_enter): an access may wait
// long for its completion, and by the time it is handed out its event is out of the cache (reading
// the time from the event was half of AccessStream::next).
struct QueuedAccess {
  MemAccess access;
  int64_t time;
};

// A FIFO of accesses in one growing ring (a deque would allocate and free a
// block every few accesses).
class AccessQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  QueuedAccess& operator[](size_t i) { return ring_[(head_ + i) & mask_]; }
  const QueuedAccess& front() const { return ring_[head_]; }
  void pop_front() { head_ = (head_ + 1) & mask_, --size_; }
  void push_back(const MemAccess& a, int64_t time) {
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_++) & mask_] = {a, time};
  }
  // Sorts what is queued by time, stably.
  void stable_sort_by_time() {
    linearize();
    std::stable_sort(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(size_),
                     [](const QueuedAccess& a, const QueuedAccess& b) { return a.time < b.time; });
  }

 private:
  void linearize() { reallocate(ring_.size()); }
  void grow() { reallocate(ring_.size() * 2); }
  // Moves what is queued to the start of a new ring of `capacity` (at least 16).
  void reallocate(size_t capacity) {
    std::vector<QueuedAccess> ring(std::max<size_t>(16, capacity));
    for (size_t i = 0; i < size_; ++i) ring[i] = (*this)[i];
    ring_ = std::move(ring);
    mask_ = ring_.size() - 1;
    head_ = 0;
  }
  std::vector<QueuedAccess> ring_;  // a power of two long
  size_t head_ = 0, size_ = 0, mask_ = 0;
};

// A run of accesses in issue order, handed out from the front of a queue.
// `held` counts the accesses queued by all sources of one stream.
class AccessStream::Source {
 public:
  Source(const RankLog& log, size_t& held) : log_(log), held_(held) {}
  virtual ~Source() { held_ -= queue_.size(); }
  // Makes the next access available at front(); false when the source has no more.
  virtual bool fill() = 0;
  const MemAccess& front() const { return queue_.front().access; }
  int64_t time() const { return queue_.front().time; }
  void pop() {
    queue_.pop_front();
    ++popped_;
    --held_;
  }

 protected:
  void push(const MemAccess& a) {
    queue_.push_back(a, log_.events[a.event].t_enter);  // its event was just walked: in the cache
    ++held_;
  }
  // Accesses are numbered by the order the source made them; those not yet handed out are in the queue.
  uint64_t made() const { return popped_ + queue_.size(); }
  MemAccess* made_at(uint64_t n) { return n >= popped_ ? &queue_[static_cast<size_t>(n - popped_)].access : nullptr; }

  const RankLog& log_;
  AccessQueue queue_;

 private:
  size_t& held_;
  uint64_t popped_ = 0;
};

namespace {

// An access of the blocks of one buffer or target range (completion still unknown).
MemAccess access(const Block& b, int64_t region, int process, int issuer, uint32_t event, AccessKind kind,
                 int32_t basic_size, bool at_target) {
  MemAccess a;
  a.lo = b.lo;
  a.hi = b.hi;
  a.region = region;
  a.complete_rank = issuer;
  a.process = process;
  a.issuer = issuer;
  a.event = event;
  a.basic = static_cast<int16_t>(b.basic);
  a.basic_size = static_cast<int16_t>(basic_size);
  a.kind = kind;
  a.at_target = at_target;
  return a;
}

// Adds the buffer accesses of the point-to-point or collective operation
// described by event `made` (the call that made it, for a request; its
// buffer rows in call_traits.def), issued by event `issued` and taken
// effect by node `done`.
template <class Push>
void buffer_accesses(TypeCache& types, uint32_t made, uint32_t issued, Node done, Push push) {
  const RankLog& log = types.log();
  const CallTraits& traits = call_traits(log.events[made].call);
  if (traits.family != CallFamily::kP2p && traits.family != CallFamily::kCollective) return;
  EventView v = log.view(log.events[made]);
  const bool root = v.get_or(kF_root, -1) == log.rank;
  for (const BufferArg& u : traits.buffers) {
    const AccessKind kind =
        u.use == BufferUse::kRead || (u.use == BufferUse::kBroadcast && root) ? AccessKind::kRead : AccessKind::kWrite;
    const int64_t addr = v.get_or(u.addr, 0);
    if (addr < kMinAddress) continue;
    for (const Block& b : layout(types, addr, v.get_or(u.count, 0), v.get_or(u.type, -1))) {
      MemAccess a = access(b, addr, log.rank, log.rank, issued, kind, 0, false);
      a.complete_at = done.index;
      a.complete_rank = done.rank;
      push(a);
    }
  }
}

// One rank's walk: RMA operations at their target and origin, blocking
// point-to-point and collective buffers, the program's own loads and stores,
// each with the node that completes it.
class WalkSource : public AccessStream::Source {
 public:
  WalkSource(const Model& model, const HappensBefore& hb, const RankLog& log, size_t& held)
      : Source(log, held), model_(model), hb_(hb), locals_(model, log), types_(log) {
    // Threads append to the log in turn, so a threaded rank's walk is in time order only per thread.
    auto by_time = [&log](const Event& a, const Event& b) { return a.t_enter < b.t_enter; };
    in_time_order_ = std::is_sorted(log.events.begin(), log.events.end(), by_time);
    if (!in_time_order_) {
      while (!walked_) step();
      queue_.stable_sort_by_time();
    }
  }

  bool in_time_order() const { return in_time_order_; }

  // The front access leaves when its completion is known: walk on until then.
  bool fill() override {
    while (!walked_ && (queue_.empty() || queue_.front().access.complete_at < 0)) step();
    return !queue_.empty();
  }

 private:
  struct Pending {
    int64_t win, target;
    uint64_t access;  // its number (made_at)
    bool at_target;
  };

  void step() {
    if (next_ >= log_.events.size()) {
      walked_ = true;  // nothing completes what is still pending
      pending_.clear();
      by_request_.clear();
      return;
    }
    event(next_++);
  }

  void event(uint32_t i) {
    const int r = log_.rank;
    const Event& e = log_.events[i];
    if (is_local_access(e.call)) {  // the program's own load or store (model/local_accesses.cpp)
      scratch_.clear();
      locals_.add(i, scratch_);
      for (const MemAccess& a : scratch_) push(a);
      return;
    }
    EventView v = log_.view(e);
    const CallTraits& traits = call_traits(e.call);
    if (traits.is_rma()) {
      const uint64_t first = made();
      rma(i, e, v);
      // Completion of an R* request completes its origin side, and the
      // target reads of Rget and of an MPI_NO_OP Rget_accumulate: their
      // data has arrived (MPI-3.1 Example 11.21). It does not complete
      // target writes (Rput, Raccumulate, the update of Rget_accumulate).
      if (auto req = v.get(kF_new_req))
        for (uint64_t a = first; a < made(); ++a)
          if (done_at_origin(*made_at(a))) by_request_[*req].push_back(a);
      return;
    }
    if (const Completes c = completes(traits.role); c.any)
      complete(c.every_window ? 0 : v.get_or(kF_win, 0), c.one_target ? v.get_or(kF_target, -1) : -1,
               c.at_exit ? exit_node(r, i) : entry_node(r, i), c.at_target, entry_node(r, i));
    for (int64_t id : v.array(kF_done)) {
      auto it = by_request_.find(id);
      if (it == by_request_.end()) continue;
      for (uint64_t a : it->second) finish(a, exit_node(r, i));  // R* requests complete at the origin only
      by_request_.erase(it);
    }
    if (!v.has(kF_new_req))  // blocking: for the call's duration
      buffer_accesses(types_, i, i, exit_node(r, i), [this](const MemAccess& a) { push(a); });
  }

  // Adds the accesses of one RMA call: at the target, then at the origin.
  void rma(uint32_t i, const Event& e, EventView v) {
    const RankLog& log = log_;
    const int r = log.rank;
    const CallTraits& traits = call_traits(e.call);
    const int64_t win = v.get_or(kF_win, 0), target = v.get_or(kF_target, -1), op = v.get_or(kF_op, kOp_MPI_OP_NULL);
    auto w = model_.windows.find(win);
    if (w != model_.windows.end() && target >= 0) {
      const WindowModel& wm = w->second;
      // The target's window rank, for its base and displacement unit.
      const size_t tr = wm.window_rank(target);
      const bool dynamic = wm.flavor == kWinDynamic;
      const bool geometry = dynamic || (tr < wm.bases.size() && tr < wm.units.size());
      const int64_t base = dynamic || !geometry ? 0 : wm.bases[tr];
      const std::optional<int64_t> at =
          dynamic || !geometry ? v.get(kF_disp) : checked_mul_add(base, v.get_or(kF_disp, 0), wm.units[tr]);
      if (tr < wm.members.size() && geometry && (at || dynamic)) {
        const int64_t addr = at.value_or(0);
        const AccessKind kind = target_kind(traits.role, op);
        const auto atomic_op = static_cast<int16_t>(traits.role == CallRole::kCompareAndSwap ? kOpCompareAndSwap : op);
        for (const Block& b : layout(types_, addr, v.get_or(kF_target_count, 0), v.get_or(kF_target_type, -1))) {
          MemAccess a =
              access(b, dynamic ? addr : base, static_cast<int>(target), r, i, kind, types_.basic_size(b.basic), true);
          if (atomic(kind)) a.op = atomic_op;
          add(a, win, target, true);
        }
      }
    }
    const AccessKind origin_kind = traits.role == CallRole::kGet ? AccessKind::kWrite : AccessKind::kRead;
    // Fetching atomics with MPI_NO_OP ignore their origin buffer (it may be NULL).
    const bool fetch_only = op == kOp_MPI_NO_OP && traits.role == CallRole::kGetAccumulate;
    if (!fetch_only)
      buffer(i, v.get_or(kF_origin_addr, 0), v.get_or(kF_origin_count, 0), v.get_or(kF_origin_type, -1), origin_kind,
             win, target);
    buffer(i, v.get_or(kF_result_addr, 0), v.get_or(kF_result_count, 0), v.get_or(kF_result_type, -1),
           AccessKind::kWrite, win, target);
  }

  void buffer(uint32_t i, int64_t addr, int64_t count, int64_t type, AccessKind kind, int64_t win, int64_t target) {
    if (addr < kMinAddress) return;
    for (const Block& b : layout(types_, addr, count, type))
      add(access(b, addr, log_.rank, log_.rank, i, kind, types_.basic_size(b.basic), false), win, target, false);
  }

  void add(const MemAccess& a, int64_t win, int64_t target, bool at_target) {
    pending_.push_back({win, target, made(), at_target});
    push(a);
  }

  // Sets the completion of access number `n` if it has none (one handed out already has one).
  void finish(uint64_t n, Node at) {
    MemAccess* a = made_at(n);
    if (a && a->complete_at < 0) a->complete_at = at.index, a->complete_rank = at.rank;
  }

  // What completion at the origin completes: the origin buffers, and target
  // reads (a read is over once its data is at the origin, rma-semantics.md
  // section 2), not target writes.
  static bool done_at_origin(const MemAccess& a) { return !a.at_target || !writes(a.kind); }

  // A synchronization call completes the pending operations it covers
  // (target -1: every target); at_target false (flush_local) completes what
  // completion at the origin completes.
  //
  // Threads (MPI_THREAD_MULTIPLE): a flush, unlock, fence or complete
  // completes the operations the process issued BEFORE it, and between
  // threads "before" means happens-before: an operation of another thread
  // is completed by the call only if its return happens before the call's
  // entry (thread synchronization or MPI ordering). One that merely was
  // issued earlier in real time may or may not be included by MPI, so it
  // stays pending until a call it is ordered before.
  void complete(int64_t win, int64_t target, Node n, bool at_target, Node call) {
    const HappensBefore::Clock call_clock = hb_.clock(call, clock_hints_);
    size_t keep = 0;
    for (const Pending& p : pending_) {
      const MemAccess* made = made_at(p.access);
      if (!made) continue;  // handed out: completed (by its request) already
      const MemAccess& a = *made;
      const bool covers = (win == 0 || p.win == win) && (target < 0 || p.target == target) &&
                          (at_target || done_at_origin(a)) && hb_.ordered(exit_node(a.issuer, a.event), call_clock);
      if (covers)
        finish(p.access, n);
      else
        pending_[keep++] = p;
    }
    pending_.resize(keep);
  }

  const Model& model_;
  const HappensBefore& hb_;
  const LocalAccessMapper locals_;
  TypeCache types_;
  bool in_time_order_ = true;  // the log's events are in t_enter order (else the walk was made whole and sorted)
  std::vector<Pending> pending_;
  std::map<int64_t, std::vector<uint64_t>> by_request_;  // R* request id -> its origin-side accesses
  std::vector<MemAccess> scratch_;
  std::vector<uint32_t> clock_hints_;  // for hb_.clock: the walk asks for its rank's nodes in order
  uint32_t next_ = 0;                  // the next event to walk
  bool walked_ = false;
};

// One rank's nonblocking and persistent operations: their buffers are in use
// from the call that starts them to the Wait/Test that completes them. In
// the order they were started (stable: requests started by one call keep
// the tracker's order).
class RequestSource : public AccessStream::Source {
 public:
  RequestSource(const RankLog& log, const RankRequests* requests, size_t& held)
      : Source(log, held), types_(log), activations_(request_activations(log, requests)) {
    std::stable_sort(activations_.begin(), activations_.end(), [&log](const Activation& a, const Activation& b) {
      return log.events[a.started].t_enter < log.events[b.started].t_enter;
    });
  }
  bool fill() override {
    while (queue_.empty() && next_ < activations_.size()) {
      const Activation& a = activations_[next_++];
      buffer_accesses(types_, a.created, a.started,
                      a.completed ? exit_node(log_.rank, *a.completed) : Node{log_.rank, -1},
                      [this](const MemAccess& m) { push(m); });
    }
    return !queue_.empty();
  }

 private:
  TypeCache types_;
  std::vector<Activation> activations_;
  size_t next_ = 0;
};

}  // namespace

AccessStream::AccessStream(const Model& model, const RequestTracker& requests, const HappensBefore& hb) {
  for (const RankLog& log : model.logs) {
    auto walk = std::make_unique<WalkSource>(model, hb, log, held_);
    events_in_time_order_ = events_in_time_order_ && walk->in_time_order();
    sources_.push_back(std::move(walk));
    sources_.push_back(std::make_unique<RequestSource>(log, requests.rank(log.rank), held_));
  }
  for (uint32_t s = 0; s < sources_.size(); ++s)
    if (sources_[s]->fill()) heap_.push_back({sources_[s]->time(), s});
  for (size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
  peak_held_ = held_;
}

AccessStream::~AccessStream() = default;

// Replace-top min-heap: the source handed out from is refilled in place (one sift-down per access).
void AccessStream::sift_down(size_t i) {
  const size_t n = heap_.size();
  const Head h = heap_[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && heap_[c + 1] < heap_[c]) ++c;
    if (!(heap_[c] < h)) break;
    heap_[i] = heap_[c];
    i = c;
  }
  heap_[i] = h;
}

bool AccessStream::next(MemAccess& out, int64_t* time) {
  if (heap_.empty()) return false;
  Source& s = *sources_[heap_[0].source];
  if (time) *time = heap_[0].time;
  out = s.front();
  s.pop();
  if (s.fill()) {
    heap_[0].time = s.time();
  } else {
    heap_[0] = heap_.back();
    heap_.pop_back();
  }
  if (!heap_.empty()) sift_down(0);
  peak_held_ = std::max(peak_held_, held_);
  return true;
}

}  // namespace rmacheck
