// origin-buffer-conflict and target-local-conflict, per buffer variable:
// between an RMA call (or Isend/Irecv) and the call that completes it
// (fence, unlock, flush, complete, Wait on its request), the program must not
// write an origin buffer, nor read or write a result buffer (Get, the result
// of Get_accumulate/Fetch_and_op/CAS, a receive buffer), and other MPI calls
// must not use them either. For the window's own memory, in a fence epoch: a
// local load/store of the element that this rank's RMA call addresses at the
// target (every rank runs the same code, so another rank's same call addresses
// this rank's element). rma-semantics.md sections 4 and 7.
//
// Only overlaps the code proves are reported: a scalar, or constant element
// indices with constant counts of a basic datatype. An element with a
// non-constant index (`&buf[i]` in a loop) is not compared with another
// element, so the usual `for (i) { buf[i] = ...; MPI_Put(&buf[i], ...); }`
// is not reported.
#include "lint/check.h"
#include "lint/dataflow.h"
#include "lint/lint_calls.h"

namespace rmacheck::lint {

namespace {

struct Extent {
  bool whole = true;             // a scalar, or a use of the whole buffer with unknown size
  std::optional<int64_t> first;  // constant first element
  std::optional<int64_t> count;  // constant element count (basic datatype)
  bool unknown_element = false;  // one element at a non-constant index
  bool operator<(const Extent& o) const {
    return std::tie(whole, first, count, unknown_element) < std::tie(o.whole, o.first, o.count, o.unknown_element);
  }
};

struct Pending {
  const Op* op = nullptr;
  bool writes = false;  // the pending operation writes this memory (so any local access conflicts)
  bool remote = false;  // the window's own memory, accessed by other ranks
  Extent extent;
  bool operator<(const Pending& o) const {
    return std::tie(op, writes, remote, extent) < std::tie(o.op, o.writes, o.remote, o.extent);
  }
};

struct BufValue {
  std::vector<Pending> pending;  // sorted
  bool fence_epoch = false;      // the window whose memory this is is in a fence epoch
  bool operator<(const BufValue& o) const {
    return std::tie(pending, fence_epoch) < std::tie(o.pending, o.fence_epoch);
  }
};

// Elements of a buffer from `first`: `count` of a basic datatype (one when the count is not a
// constant: a call with a zero count is not what programs write). Which elements a derived datatype
// touches is not followed: such an extent overlaps only a whole scalar.
Extent elements(std::optional<int64_t> first, std::optional<int64_t> count, bool basic) {
  Extent e;
  e.whole = false;
  e.first = first;
  if (!basic) {
    e.unknown_element = true;
    return e;
  }
  e.count = count ? count : std::optional<int64_t>(1);
  return e;
}

Extent buffer_extent(const Ref& r, const Op& op) {
  Extent e;
  if (r.element) {
    e.whole = false;
    e.unknown_element = true;
    e.count = 1;
  } else if (r.index) {
    e = elements(r.index, op.count.constant, op.basic_type);
  }
  return e;
}

// The elements of this rank's window memory that the same RMA call issued by another rank addresses.
Extent target_extent(const Op& op) {
  if (op.target_count.text.empty()) return elements(op.disp.constant, op.count.constant, op.basic_type);
  return elements(op.disp.constant, op.target_count.constant, op.target_basic_type);
}

Extent access_extent(const Ref& r) {
  Extent e;
  if (r.element) {
    e.whole = false;
    e.unknown_element = true;
    e.count = 1;
  } else if (r.index) {
    e.whole = false;
    e.first = r.index;
    e.count = 1;
  }
  return e;
}

bool overlap(const Extent& a, const Extent& b) {
  if (a.whole || b.whole) return true;
  if (a.unknown_element || b.unknown_element) return false;  // not provable
  if (!a.first || !b.first) return false;
  int64_t a_end = a.count ? *a.first + *a.count : INT64_MAX;
  int64_t b_end = b.count ? *b.first + *b.count : INT64_MAX;
  return *a.first < b_end && *b.first < a_end;
}

void run_key(const CheckContext& ctx, const std::string& key, const std::string& window) {
  Reporter& rep = ctx.report;
  auto conflict = [&](const Pending& p, const Op& at, bool writes, bool report) {
    if (!report) return;
    if (p.remote) {
      rep.add(kKind_target_local_conflict,
              std::string(writes ? "store to " : "load of ") + key + " (the memory of window '" + window + "') at " +
                  at_line(at.line) + " while the " + p.op->name + " at " + at_line(p.op->line) +
                  " of every rank is pending on the same element of its target (completed only by the next fence)",
              {rep.side(*p.op, "pending RMA call on the window"), rep.side(at, "local access of the window memory")},
              "medium");
      return;
    }
    const std::string role = p.writes ? "result buffer" : "origin buffer";
    rep.add(kKind_origin_buffer_conflict,
            std::string(at.kind == OpKind::kMpi ? at.name + " uses "
                        : writes                ? "store to "
                                                : "load of ") +
                key + " at " + at_line(at.line) + ", the " + role + " of the " + p.op->name + " at " +
                at_line(p.op->line) + ", before that operation is complete",
            {rep.side(*p.op, "pending operation"), rep.side(at, at.kind == OpKind::kMpi ? "uses the buffer" : "")},
            p.extent.whole && at.var.index ? "medium" : "high");
  };
  auto access = [&](BufValue& v, const Op& at, const Extent& e, bool writes, bool report) {
    for (const Pending& p : v.pending) {
      bool clash = p.writes ? true : writes;
      if (clash && overlap(p.extent, e)) conflict(p, at, writes, report);
    }
  };
  auto complete = [&](BufValue& v, auto pred) {
    v.pending.erase(std::remove_if(v.pending.begin(), v.pending.end(), pred), v.pending.end());
  };
  auto step = [&](int, const Node& node, BufValue& v, bool report) {
    for (const Op& op : node.ops) {
      if ((op.kind == OpKind::kLoad || op.kind == OpKind::kStore) && op.var.base == key) {
        access(v, op, access_extent(op.var), op.kind == OpKind::kStore, report);
        continue;
      }
      if (op.kind == OpKind::kFailed) {  // the call returned an error on this path: nothing is pending
        complete(v, [&](const Pending& p) { return same_call(*p.op, op); });
        continue;
      }
      if (op.kind == OpKind::kCall) {
        // A helper given the window or the request may complete the operation (unlock, fence, wait).
        for (size_t i = 0; i < op.args.size(); ++i)
          for (const std::string& a : op.args[i])
            if (std::any_of(v.pending.begin(), v.pending.end(),
                            [&](const Pending& p) { return p.op->window.base == a || p.op->request.base == a; }) &&
                may_synchronize(ctx.unit, op.name, i))
              complete(v, [&](const Pending& p) { return p.op->window.base == a || p.op->request.base == a; });
        continue;
      }
      if (op.kind != OpKind::kMpi) continue;
      const CallInfo* info = find_call(op.name);
      if (!info) continue;
      // The call's own use of the buffer first, then what stays pending.
      const bool uses_origin = op.origin.base == key, uses_result = op.result.base == key;
      if (uses_origin) access(v, op, buffer_extent(op.origin, op), false, report);
      if (uses_result && info->effect != Effect::kCommRank) access(v, op, buffer_extent(op.result, op), true, report);
      switch (info->effect) {
        case Effect::kRma:
        case Effect::kNonblocking:
          if (uses_origin) v.pending.push_back({&op, false, false, buffer_extent(op.origin, op)});
          if (uses_result) v.pending.push_back({&op, true, false, buffer_extent(op.result, op)});
          if (info->effect == Effect::kRma && !window.empty() && op.window.key == window && v.fence_epoch &&
              op.disp.constant) {
            Extent e = target_extent(op);
            bool remote_writes = op.name != "MPI_Get" && op.name != "MPI_Rget";
            v.pending.push_back({&op, remote_writes, true, e});
          }
          // A set: the same call pending twice (a loop around it) says nothing more, and a growing
          // list would give every iteration a new state, so the fixpoint would only end at the cap.
          std::sort(v.pending.begin(), v.pending.end());
          v.pending.erase(std::unique(v.pending.begin(), v.pending.end(),
                                      [](const Pending& a, const Pending& b) { return !(a < b) && !(b < a); }),
                          v.pending.end());
          break;
        case Effect::kFence:
          complete(v, [&](const Pending& p) { return p.op->window.key == op.window.key; });
          if (op.window.key == window) v.fence_epoch = !op.nosucceed;
          break;
        case Effect::kLock:
        case Effect::kLockAll:
        case Effect::kWinStart:
          if (op.window.key == window) v.fence_epoch = false;
          break;
        case Effect::kUnlock:
        case Effect::kFlush:
        case Effect::kFlushLocal:
          complete(v, [&](const Pending& p) {  // that target, or one the code cannot tell apart from it
            return !p.remote && p.op->window.key == op.window.key &&
                   (!(p.op->target.constant && op.target.constant) || *p.op->target.constant == *op.target.constant);
          });
          break;
        case Effect::kUnlockAll:
        case Effect::kFlushAll:
        case Effect::kFlushLocalAll:
        case Effect::kWinComplete:
          complete(v, [&](const Pending& p) { return !p.remote && p.op->window.key == op.window.key; });
          break;
        case Effect::kFree:
          if (info->object_kind == kWindow)
            complete(v, [&](const Pending& p) { return p.op->window.key == op.object.key; });
          break;
        case Effect::kComplete:
        case Effect::kCompleteAll:
        case Effect::kRequestFree:
          complete(v, [&](const Pending& p) {  // that request, the whole array, or an element in a loop
            const Ref& r = p.op->request;
            return !r.empty() && !p.remote &&
                   (r.key == op.request.key ||
                    (r.base == op.request.base && (op.request.whole || op.request.element || r.element)));
          });
          break;
        case Effect::kFinalize:
          v.pending.clear();
          break;
        default:
          break;
      }
    }
  };
  solve(ctx.fn, BufValue{}, step, [](int, const BufValue&) {});
}

}  // namespace

void check_buffers(const CheckContext& ctx) {
  std::map<std::string, std::string> keys;  // buffer -> window whose memory it is
  for (const Node& n : ctx.fn.nodes)
    for (const Op& op : n.ops) {
      if (op.kind != OpKind::kMpi) continue;
      const CallInfo* info = find_call(op.name);
      if (!info) continue;
      if (info->effect == Effect::kRma || info->effect == Effect::kNonblocking) {
        if (!op.origin.empty()) keys.emplace(op.origin.base, "");
        if (!op.result.empty()) keys.emplace(op.result.base, "");
      }
      if (info->effect == Effect::kCreate && info->object_kind == kWindow && !op.memory.empty())
        keys[op.memory.base] = op.object.key;
    }
  for (const auto& [k, win] : keys) run_key(ctx, k, win);
}

}  // namespace rmacheck::lint
