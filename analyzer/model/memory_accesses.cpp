#include "model/memory_accesses.h"

#include <algorithm>
#include <map>
#include <optional>
#include <queue>
#include <stdexcept>

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
// runs of one basic type, into `out` (reused across calls: no allocation per access).
const std::vector<Block>& layout(const RankLog& log, int64_t base, int64_t count, int64_t type) {
  thread_local std::vector<Block> out;
  out.clear();
  auto it = log.types.find(type);
  if (count <= 0 || it == log.types.end()) return out;
  const TypeLayout& t = it->second;
  if (t.blocks.empty()) return out;
  const bool dense = t.blocks.size() == 1 && t.blocks[0].length == t.extent && t.blocks[0].offset == t.lb;
  if (dense) {
    out.push_back({base + t.blocks[0].offset, base + t.blocks[0].offset + count * t.extent, t.blocks[0].basic});
    return out;
  }
  if (t.truncated || static_cast<size_t>(count) * t.blocks.size() > kMaxBlocksPerAccess) {
    out.push_back({base + t.true_lb, base + t.true_lb + (count - 1) * t.extent + t.true_extent, -2});
    return out;
  }
  for (int64_t k = 0; k < count; ++k)
    for (const TypeBlockRec& b : t.blocks) {
      const int64_t lo = base + k * t.extent + b.offset;
      if (!out.empty() && out.back().hi == lo && out.back().basic == b.basic)
        out.back().hi = lo + b.length;
      else
        out.push_back({lo, lo + b.length, b.basic});
    }
  return out;
}

bool is_rma(CallId c) {
  switch (c) {
    case kCall_Put:
    case kCall_Get:
    case kCall_Accumulate:
    case kCall_Get_accumulate:
    case kCall_Fetch_and_op:
    case kCall_Compare_and_swap:
    case kCall_Rput:
    case kCall_Rget:
    case kCall_Raccumulate:
    case kCall_Rget_accumulate:
      return true;
    default:
      return false;
  }
}

AccessKind target_kind(CallId c, int64_t op) {
  switch (c) {
    case kCall_Put:
    case kCall_Rput:
      return AccessKind::kWrite;
    case kCall_Get:
    case kCall_Rget:
      return AccessKind::kRead;
    case kCall_Accumulate:
    case kCall_Raccumulate:
      return AccessKind::kAtomicWrite;
    default:
      return op == kOp_MPI_NO_OP ? AccessKind::kAtomicRead : AccessKind::kAtomicWrite;  // fetching atomics
  }
}

class Collector {
 public:
  Collector(const Model& model, std::vector<MemAccess>& out) : model_(model), out_(out) {}

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
      const int64_t win = v.get_or(kF_win, 0);
      const int64_t target = v.get_or(kF_target, -1);
      if (is_rma(e.call)) {
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
      switch (e.call) {
        case kCall_Win_fence:
          complete(win, -1, entry_node(r, i), true);
          break;
        case kCall_Win_complete:
          complete(win, -1, entry_node(r, i), true);
          break;
        case kCall_Win_unlock:
          complete(win, target, exit_node(r, i), true);
          break;
        case kCall_Win_unlock_all:
          complete(win, -1, exit_node(r, i), true);
          break;
        case kCall_Win_flush:
          complete(win, target, exit_node(r, i), true);
          break;
        case kCall_Win_flush_all:
          complete(win, -1, exit_node(r, i), true);
          break;
        case kCall_Win_flush_local:
          complete(win, target, exit_node(r, i), false);
          break;
        case kCall_Win_flush_local_all:
          complete(win, -1, exit_node(r, i), false);
          break;
        case kCall_Win_free:
          complete(win, -1, entry_node(r, i), true);
          break;
        case kCall_Finalize:
          complete(0, -1, entry_node(r, i), true);
          break;
        default:
          break;
      }
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
    const int64_t win = v.get_or(kF_win, 0), target = v.get_or(kF_target, -1), op = v.get_or(kF_op, kOp_MPI_OP_NULL);
    auto w = model_.windows.find(win);
    if (w != model_.windows.end() && target >= 0) {
      const WindowModel& wm = w->second;
      // The target's window rank, for its base and displacement unit.
      size_t tr = 0;
      while (tr < wm.members.size() && wm.members[tr] != target) ++tr;
      if (tr < wm.members.size() && tr < wm.bases.size()) {
        const bool dynamic = wm.flavor == kWinDynamic;
        const int64_t base = dynamic ? 0 : wm.bases[tr];
        const int64_t addr = dynamic ? v.get_or(kF_disp, 0) : base + v.get_or(kF_disp, 0) * wm.units[tr];
        const AccessKind kind = target_kind(e.call, op);
        const auto atomic_op = static_cast<int16_t>(e.call == kCall_Compare_and_swap ? kOpCompareAndSwap : op);
        for (const Block& b : layout(log, addr, v.get_or(kF_target_count, 0), v.get_or(kF_target_type, -1))) {
          MemAccess a = access(b, e.t_enter, dynamic ? addr : base, static_cast<int>(target), r, i, kind,
                               basic_size(log, b.basic), true);
          if (atomic(kind)) a.op = atomic_op;
          add(a, win, target, true);
        }
      }
    }
    const AccessKind origin_kind =
        (e.call == kCall_Get || e.call == kCall_Rget) ? AccessKind::kWrite : AccessKind::kRead;
    // Fetching atomics with MPI_NO_OP ignore their origin buffer (it may be NULL).
    const bool fetch_only = op == kOp_MPI_NO_OP && (e.call == kCall_Get_accumulate || e.call == kCall_Rget_accumulate ||
                                                    e.call == kCall_Fetch_and_op);
    if (!fetch_only)
      buffer(log, i, e, v.get_or(kF_origin_addr, 0), v.get_or(kF_origin_count, 0), v.get_or(kF_origin_type, -1),
             origin_kind, win, target);
    buffer(log, i, e, v.get_or(kF_result_addr, 0), v.get_or(kF_result_count, 0), v.get_or(kF_result_type, -1),
           AccessKind::kWrite, win, target);
  }

  void buffer(const RankLog& log, uint32_t i, const Event& e, int64_t addr, int64_t count, int64_t type,
              AccessKind kind, int64_t win, int64_t target) {
    if (addr < kMinAddress) return;
    for (const Block& b : layout(log, addr, count, type))
      add(access(b, e.t_enter, addr, log.rank, log.rank, i, kind, basic_size(log, b.basic), false), win, target, false);
  }

  static MemAccess access(const Block& b, int64_t time, int64_t region, int process, int issuer, uint32_t event,
                          AccessKind kind, int32_t basic_size, bool at_target) {
    MemAccess a;
    a.lo = b.lo;
    a.hi = b.hi;
    a.time = time;
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
  void complete(int64_t win, int64_t target, Node n, bool at_target) {
    size_t keep = 0;
    for (const Pending& p : pending_) {
      const bool covers = (win == 0 || p.win == win) && (target < 0 || p.target == target) &&
                          (at_target || done_at_origin(out_[p.access]));
      if (covers)
        finish(p.access, n);
      else
        pending_[keep++] = p;
    }
    pending_.resize(keep);
  }

  // The buffers a point-to-point call (or Bcast) uses, and how: the fields
  // that describe them are logged by the call that made the operation (for a
  // request, the call that created it).
  struct BufferUse {
    FieldId buf, count, type;
    AccessKind kind;
  };
  static std::vector<BufferUse> buffers_of(CallId c, bool root) {
    const BufferUse send{kF_buf, kF_count, kF_type, AccessKind::kRead};
    const BufferUse recv{kF_recv_buf, kF_recv_count, kF_recv_type, AccessKind::kWrite};
    switch (c) {
      case kCall_Send:
      case kCall_Ssend:
      case kCall_Bsend:
      case kCall_Rsend:
      case kCall_Isend:
      case kCall_Issend:
      case kCall_Ibsend:
      case kCall_Irsend:
      case kCall_Send_init:
      case kCall_Bsend_init:
      case kCall_Ssend_init:
      case kCall_Rsend_init:
        return {send};
      case kCall_Recv:
      case kCall_Mrecv:
      case kCall_Irecv:
      case kCall_Recv_init:
      case kCall_Imrecv:
        return {recv};
      case kCall_Sendrecv:
      case kCall_Sendrecv_replace:
        return {send, recv};
      case kCall_Bcast:
      case kCall_Ibcast:
      case kCall_X_Bcast_init:
        return {{kF_buf, kF_count, kF_type, root ? AccessKind::kRead : AccessKind::kWrite}};
      default:
        return {};
    }
  }

  // Adds the buffer accesses of the operation described by event `made`,
  // issued by event `issued` and taken effect by node `done`.
  void use_buffers(const RankLog& log, uint32_t made, uint32_t issued, Node done) {
    EventView v = log.view(log.events[made]);
    const int64_t t = log.events[issued].t_enter;
    for (const BufferUse& u : buffers_of(log.events[made].call, v.get_or(kF_root, -1) == log.rank)) {
      const int64_t addr = v.get_or(u.buf, 0);
      if (addr < kMinAddress) continue;
      for (const Block& b : layout(log, addr, v.get_or(u.count, 0), v.get_or(u.type, -1))) {
        MemAccess a = access(b, t, addr, log.rank, log.rank, issued, u.kind, 0, false);
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
  std::vector<MemAccess>& out_;
  std::vector<Pending> pending_;
};

}  // namespace

Accesses collect_accesses(const Model& model, const RequestTracker& requests) {
  Accesses out;
  // Runs of accesses already in time order: per rank, the accesses of its
  // walk (program order), then its request buffers (sorted here).
  std::vector<std::pair<size_t, size_t>> runs;  // [begin, end) in `all`
  std::vector<MemAccess> rank_accesses;
  for (const RankLog& log : model.logs) {
    rank_accesses.clear();
    Collector c(model, rank_accesses);
    const size_t walked = c.rank(log, requests.rank(log.rank));
    std::stable_sort(rank_accesses.begin() + static_cast<std::ptrdiff_t>(walked), rank_accesses.end(),
                     [](const MemAccess& a, const MemAccess& b) { return a.time < b.time; });
    const size_t begin = out.all.size();
    for (const MemAccess& a : rank_accesses) out.all.push_back(a);
    runs.push_back({begin, begin + walked});
    runs.push_back({begin + walked, out.all.size()});
  }
  // Issue order: a k-way merge of the runs by time (ties: lower run, i.e. lower
  // rank, first). The records stay where they are: 4 bytes of order per access.
  if (out.all.size() > UINT32_MAX) throw std::length_error("more than 2^32 memory accesses");
  out.order.reserve(out.all.size());
  using Head = std::pair<int64_t, size_t>;  // (time, run)
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
  for (size_t r = 0; r < runs.size(); ++r)
    if (runs[r].first < runs[r].second) heads.push({out.all[runs[r].first].time, r});
  while (!heads.empty()) {
    const size_t r = heads.top().second;
    heads.pop();
    out.order.push_back(static_cast<uint32_t>(runs[r].first++));
    if (runs[r].first < runs[r].second) heads.push({out.all[runs[r].first].time, r});
  }
  return out;
}

}  // namespace rmacheck
