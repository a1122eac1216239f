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

// The distance between consecutive elements of a basic type (its extent):
// the atomic unit of accumulates. For a pair type (MPI_2INT, MPI_DOUBLE_INT,
// ...) that is the whole pair with its padding. From the predefined types'
// layouts the ranks logged (the interposer logs those a derived type uses).
int32_t basic_size(const RankLog& log, int32_t basic) {
  auto it = log.types.find(basic);
  return it == log.types.end() ? 0 : static_cast<int32_t>(std::max(it->second.size, it->second.extent));
}

// The bytes `count` elements of datatype `type` cover at address `base`, as
// runs of one basic type, into `out` (reused across calls: no allocation per
// access). Empty when the bytes overflow 64-bit offsets (only a damaged log says so).
const std::vector<Block>& layout(const RankLog& log, int64_t base, int64_t count, int64_t type) {
  thread_local std::vector<Block> out;
  out.clear();
  auto it = log.types.find(type);
  if (count <= 0 || it == log.types.end()) return out;
  const TypeLayout& t = it->second;
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

class Collector {
 public:
  Collector(const Model& model, const HappensBefore& hb, std::vector<MemAccess>& out)
      : model_(model), hb_(hb), out_(out) {}

  // Adds one rank's accesses; returns how many precede its request buffers (those are in program order).
  size_t rank(const RankLog& log, const RankRequests* requests) {
    const int r = log.rank;
    pending_.clear();
    std::map<int64_t, std::vector<size_t>> by_request;  // R* request id -> its origin-side accesses
    const LocalAccessMapper locals(model_, log);
    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const Event& e = log.events[i];
      if (is_local_access(e.call)) {  // the program's own load or store (model/local_accesses.cpp)
        locals.add(i, out_);
        continue;
      }
      EventView v = log.view(e);
      const CallTraits& traits = call_traits(e.call);
      if (traits.is_rma()) {
        const size_t first = out_.size();
        rma(log, i, e, v);
        // Completion of an R* request completes its origin side, and the
        // target reads of Rget and of an MPI_NO_OP Rget_accumulate: their
        // data has arrived (MPI-3.1 Example 11.21). It does not complete
        // target writes (Rput, Raccumulate, the update of Rget_accumulate).
        if (auto req = v.get(kF_new_req))
          for (size_t a = first; a < out_.size(); ++a)
            if (done_at_origin(out_[a])) by_request[*req].push_back(a);
        continue;
      }
      if (const Completes c = completes(traits.role); c.any)
        complete(c.every_window ? 0 : v.get_or(kF_win, 0), c.one_target ? v.get_or(kF_target, -1) : -1,
                 c.at_exit ? exit_node(r, i) : entry_node(r, i), c.at_target, entry_node(r, i));
      for (int64_t id : v.array(kF_done)) {
        auto it = by_request.find(id);
        if (it == by_request.end()) continue;
        for (size_t a : it->second) finish(a, exit_node(r, i));  // R* requests complete at the origin only
        by_request.erase(it);
      }
      if (!v.has(kF_new_req)) use_buffers(log, i, i, exit_node(log.rank, i));  // blocking: for the call's duration
    }
    const size_t walked = out_.size();
    for (const Activation& a : request_activations(log, requests)) p2p_pending(log, a);
    return walked;
  }

 private:
  struct Pending {
    int64_t win, target;
    size_t access;
    bool at_target;
  };

  // Adds the accesses of one RMA call: at the target, then at the origin.
  void rma(const RankLog& log, uint32_t i, const Event& e, EventView v) {
    const int r = log.rank;
    const CallTraits& traits = call_traits(e.call);
    const int64_t win = v.get_or(kF_win, 0), target = v.get_or(kF_target, -1), op = v.get_or(kF_op, kOp_MPI_OP_NULL);
    auto w = model_.windows.find(win);
    if (w != model_.windows.end() && target >= 0) {
      const WindowModel& wm = w->second;
      // The target's window rank, for its base and displacement unit.
      size_t tr = 0;
      while (tr < wm.members.size() && wm.members[tr] != target) ++tr;
      const bool dynamic = wm.flavor == kWinDynamic;
      const bool geometry = dynamic || (tr < wm.bases.size() && tr < wm.units.size());
      const int64_t base = dynamic || !geometry ? 0 : wm.bases[tr];
      const std::optional<int64_t> at =
          dynamic || !geometry ? v.get(kF_disp) : checked_mul_add(base, v.get_or(kF_disp, 0), wm.units[tr]);
      if (tr < wm.members.size() && geometry && (at || dynamic)) {
        const int64_t addr = at.value_or(0);
        const AccessKind kind = target_kind(traits.role, op);
        const auto atomic_op = static_cast<int16_t>(traits.role == CallRole::kCompareAndSwap ? kOpCompareAndSwap : op);
        for (const Block& b : layout(log, addr, v.get_or(kF_target_count, 0), v.get_or(kF_target_type, -1))) {
          MemAccess a =
              access(b, dynamic ? addr : base, static_cast<int>(target), r, i, kind, basic_size(log, b.basic), true);
          if (atomic(kind)) a.op = atomic_op;
          add(a, win, target, true);
        }
      }
    }
    const AccessKind origin_kind = traits.role == CallRole::kGet ? AccessKind::kWrite : AccessKind::kRead;
    // Fetching atomics with MPI_NO_OP ignore their origin buffer (it may be NULL).
    const bool fetch_only = op == kOp_MPI_NO_OP && traits.role == CallRole::kGetAccumulate;
    if (!fetch_only)
      buffer(log, i, v.get_or(kF_origin_addr, 0), v.get_or(kF_origin_count, 0), v.get_or(kF_origin_type, -1),
             origin_kind, win, target);
    buffer(log, i, v.get_or(kF_result_addr, 0), v.get_or(kF_result_count, 0), v.get_or(kF_result_type, -1),
           AccessKind::kWrite, win, target);
  }

  void buffer(const RankLog& log, uint32_t i, int64_t addr, int64_t count, int64_t type, AccessKind kind, int64_t win,
              int64_t target) {
    if (addr < kMinAddress) return;
    for (const Block& b : layout(log, addr, count, type))
      add(access(b, addr, log.rank, log.rank, i, kind, basic_size(log, b.basic), false), win, target, false);
  }

  static MemAccess access(const Block& b, int64_t region, int process, int issuer, uint32_t event, AccessKind kind,
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

  void add(const MemAccess& a, int64_t win, int64_t target, bool at_target) {
    pending_.push_back({win, target, out_.size(), at_target});
    out_.push_back(a);
  }

  void finish(size_t a, Node n) {
    if (out_[a].complete_at < 0) out_[a].complete_at = n.index, out_[a].complete_rank = n.rank;
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
    const HappensBefore::Clock call_clock = hb_.clock(call);
    size_t keep = 0;
    for (const Pending& p : pending_) {
      const MemAccess& a = out_[p.access];
      const bool covers = (win == 0 || p.win == win) && (target < 0 || p.target == target) &&
                          (at_target || done_at_origin(a)) && hb_.ordered(exit_node(a.issuer, a.event), call_clock);
      if (covers)
        finish(p.access, n);
      else
        pending_[keep++] = p;
    }
    pending_.resize(keep);
  }

  // Adds the buffer accesses of the point-to-point or collective operation
  // described by event `made` (the call that made it, for a request; its
  // buffer rows in call_traits.def), issued by event `issued` and taken
  // effect by node `done`.
  void use_buffers(const RankLog& log, uint32_t made, uint32_t issued, Node done) {
    const CallTraits& traits = call_traits(log.events[made].call);
    if (traits.family != CallFamily::kP2p && traits.family != CallFamily::kCollective) return;
    EventView v = log.view(log.events[made]);
    const bool root = v.get_or(kF_root, -1) == log.rank;
    for (const BufferArg& u : traits.buffers) {
      const AccessKind kind = u.use == BufferUse::kRead || (u.use == BufferUse::kBroadcast && root)
                                  ? AccessKind::kRead
                                  : AccessKind::kWrite;
      const int64_t addr = v.get_or(u.addr, 0);
      if (addr < kMinAddress) continue;
      for (const Block& b : layout(log, addr, v.get_or(u.count, 0), v.get_or(u.type, -1))) {
        MemAccess a = access(b, addr, log.rank, log.rank, issued, kind, 0, false);
        a.complete_at = done.index;
        a.complete_rank = done.rank;
        out_.push_back(a);
      }
    }
  }

  // Nonblocking and persistent operations: buffers in use from the start to the completing Wait/Test.
  void p2p_pending(const RankLog& log, const Activation& a) {
    use_buffers(log, a.created, a.started, a.completed ? exit_node(log.rank, *a.completed) : Node{log.rank, -1});
  }

  const Model& model_;
  const HappensBefore& hb_;
  std::vector<MemAccess>& out_;
  std::vector<Pending> pending_;
};

// Merges sorted runs [begin, end) of `times` into `order` (indices), by time,
// ties to the lower run: a binary min-heap of run heads whose top is replaced
// in place (one sift-down per element instead of a pop and a push).
void merge_runs(const std::vector<int64_t>& times, std::vector<std::pair<size_t, size_t>> runs,
                std::vector<uint32_t>& order) {
  struct Head {
    int64_t time;
    uint32_t run;
    bool operator<(const Head& o) const { return time != o.time ? time < o.time : run < o.run; }
  };
  std::vector<Head> heap;
  for (size_t r = 0; r < runs.size(); ++r)
    if (runs[r].first < runs[r].second) heap.push_back({times[runs[r].first], static_cast<uint32_t>(r)});
  auto sift_down = [&heap](size_t i) {
    const size_t n = heap.size();
    const Head h = heap[i];
    for (;;) {
      size_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && heap[c + 1] < heap[c]) ++c;
      if (!(heap[c] < h)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = h;
  };
  for (size_t i = heap.size() / 2; i-- > 0;) sift_down(i);
  while (!heap.empty()) {
    std::pair<size_t, size_t>& run = runs[heap[0].run];
    order.push_back(static_cast<uint32_t>(run.first++));
    if (run.first < run.second) {
      heap[0].time = times[run.first];
    } else {
      heap[0] = heap.back();
      heap.pop_back();
      if (heap.empty()) break;
    }
    sift_down(0);
  }
}

}  // namespace

Accesses collect_accesses(const Model& model, const RequestTracker& requests, const HappensBefore& hb) {
  Accesses out;
  // Runs of accesses already in time order: per rank, the accesses of its
  // walk (program order), then its request buffers (sorted here).
  std::vector<std::pair<size_t, size_t>> runs;  // [begin, end) in `all`
  std::vector<MemAccess> rank_accesses;
  std::vector<int64_t> times;  // of `all`, dense: the merge reads only these
  for (const RankLog& log : model.logs) {
    rank_accesses.clear();
    Collector c(model, hb, rank_accesses);
    const size_t walked = c.rank(log, requests.rank(log.rank));
    // Threads append to the log in turn, so a threaded rank's walk is in time order only per thread.
    auto time_of = [&log](const MemAccess& a) { return log.events[a.event].t_enter; };
    auto by_time = [&time_of](const MemAccess& a, const MemAccess& b) { return time_of(a) < time_of(b); };
    if (!std::is_sorted(rank_accesses.begin(), rank_accesses.begin() + static_cast<std::ptrdiff_t>(walked), by_time))
      std::stable_sort(rank_accesses.begin(), rank_accesses.begin() + static_cast<std::ptrdiff_t>(walked), by_time);
    std::stable_sort(rank_accesses.begin() + static_cast<std::ptrdiff_t>(walked), rank_accesses.end(), by_time);
    const size_t begin = out.all.size();
    for (const MemAccess& a : rank_accesses) out.all.push_back(a), times.push_back(time_of(a));
    runs.push_back({begin, begin + walked});
    runs.push_back({begin + walked, out.all.size()});
  }
  // Issue order: a k-way merge of the runs by time (ties: lower run, i.e. lower
  // rank, first). The records stay where they are: 4 bytes of order per access.
  if (out.all.size() > UINT32_MAX) throw std::length_error("more than 2^32 memory accesses");
  out.order.reserve(out.all.size());
  merge_runs(times, runs, out.order);
  return out;
}

}  // namespace rmacheck
