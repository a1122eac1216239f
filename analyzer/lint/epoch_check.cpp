// Epochs, per window: missing-epoch (an RMA call that some path reaches with
// no fence, lock, lock_all or start before it on that window), unclosed-epoch
// (a lock, lock_all, start, post, or a fence epoch with RMA in it, still open
// at Win_free or Finalize; for a window this function did not create: open at
// one return and closed at another), epoch-mismatch (unlock without lock,
// unlock of another target than the one locked, nested locks, flush outside
// a passive-target epoch, a lock mixed into a fence epoch).
// rma-semantics.md section 5.
//
// A window this function did not create (a parameter, a global) starts in an
// unknown state ("outer"): the caller may hold an epoch, so calls that need
// one are not reported, only what this function opens itself.
#include "lint/check.h"
#include "lint/dataflow.h"
#include "lint/lint_calls.h"

namespace rmacheck::lint {

namespace {

struct Lock {
  std::string target;  // the constant rank, or the expression
  bool constant = false;
  const Op* op = nullptr;
  bool operator<(const Lock& o) const { return std::tie(target, constant, op) < std::tie(o.target, o.constant, o.op); }
};

struct WinValue {
  bool tracked = false, outer = false, gone = false;
  int fence = 0;  // 0 none, 1 fence epoch open, 2 with RMA issued in it
  const Op* fence_op = nullptr;
  const Op* lock_in_fence = nullptr;  // a lock taken while the fence epoch was open
  std::vector<Lock> locks;
  const Op* lockall = nullptr;
  const Op* start = nullptr;
  const Op* post = nullptr;
  auto tie() const {
    return std::tie(tracked, outer, gone, fence, fence_op, lock_in_fence, locks, lockall, start, post);
  }
  bool operator<(const WinValue& o) const { return tie() < o.tie(); }
  bool open() const { return !locks.empty() || lockall || start || post || fence == 2; }
};

Lock lock_of(const Op& op) {
  Lock l;
  l.constant = op.target.constant.has_value();
  l.target = l.constant ? std::to_string(*op.target.constant) : op.target.text;
  l.op = &op;
  return l;
}

// What is still open, for messages.
std::vector<const Op*> openers(const WinValue& v) {
  std::vector<const Op*> out;
  for (const Lock& l : v.locks) out.push_back(l.op);
  if (v.lockall) out.push_back(v.lockall);
  if (v.start) out.push_back(v.start);
  if (v.post) out.push_back(v.post);
  if (v.fence == 2 && v.fence_op) out.push_back(v.fence_op);
  return out;
}

void run_key(const CheckContext& ctx, const Ref& key) {
  Reporter& rep = ctx.report;
  const std::string win = "window '" + key.key + "'";
  auto unclosed = [&](const WinValue& v, const Op& at, const std::string& where) {
    for (const Op* o : openers(v))
      rep.add(kKind_unclosed_epoch,
              "epoch opened by " + o->name + " on " + win + " at " + at_line(o->line) + " is still open at " + where +
                  " on some path",
              {rep.side(*o, "opened here"), rep.side(at, "still open here")}, "high");
  };
  auto step = [&](int, const Node& node, WinValue& v, bool report) {
    for (const Op& op : node.ops) {
      if (v.gone) return;
      if (op.kind == OpKind::kEscape && op.var.base == key.base) {
        // Passed to a function (or copied, compared): it may open or close epochs there. What this
        // function opens afterwards is still followed, against an unknown state, as for a window
        // from outside.
        v = WinValue{};
        v.tracked = v.outer = true;
        continue;
      }
      if (op.kind == OpKind::kFailed) {
        if (op.object.key == key.key && find_call(op.name) && find_call(op.name)->effect == Effect::kCreate)
          v = WinValue{};  // the window was not created on this path
        continue;
      }
      if (op.kind != OpKind::kMpi) continue;
      const CallInfo* info = find_call(op.name);
      if (!info) continue;
      if (info->effect == Effect::kFinalize) {
        if (report && v.tracked) unclosed(v, op, "MPI_Finalize");
        v.gone = true;
        continue;
      }
      if (info->effect == Effect::kCreate && info->object_kind == kWindow && op.object.key == key.key) {
        v = WinValue{};
        v.tracked = true;
        continue;
      }
      const bool on_window = op.window.key == key.key || (info->effect == Effect::kFree && op.object.key == key.key &&
                                                          info->object_kind == kWindow);
      if (!on_window) continue;
      if (!v.tracked) {
        v.tracked = true;
        v.outer = true;
      }
      switch (info->effect) {
        case Effect::kFence:
          if (report && v.lock_in_fence && v.fence_op)
            rep.add(kKind_epoch_mismatch,
                    "MPI_Win_lock at " + at_line(v.lock_in_fence->line) +
                        " opened a lock epoch inside the fence epoch of " + win +
                        " that this fence closes (epochs do not mix)",
                    {rep.side(*v.fence_op, "opens the fence epoch"), rep.side(*v.lock_in_fence, "lock inside it"),
                     rep.side(op, "closes the fence epoch")},
                    "high");
          v.lock_in_fence = nullptr;
          v.fence = op.nosucceed ? 0 : 1;
          v.fence_op = &op;
          break;
        case Effect::kLock: {
          Lock l = lock_of(op);
          for (const Lock& held : v.locks)
            if (report && held.constant == l.constant && held.target == l.target)
              rep.add(kKind_epoch_mismatch,
                      "MPI_Win_lock on rank " + l.target + " of " + win + " while the lock taken at " +
                          at_line(held.op->line) + " on the same target is still held (locks do not nest)",
                      {rep.side(*held.op, "first lock"), rep.side(op, "second lock")}, "high");
          if (report && v.lockall)
            rep.add(kKind_epoch_mismatch, "MPI_Win_lock on " + win + " while MPI_Win_lock_all holds it",
                    {rep.side(*v.lockall, "lock_all"), rep.side(op, "lock")}, "high");
          if (v.fence == 2 && report && v.fence_op)
            rep.add(kKind_epoch_mismatch,
                    "MPI_Win_lock on " + win + " inside a fence epoch that already has RMA calls (epochs do not mix)",
                    {rep.side(*v.fence_op, "opens the fence epoch"), rep.side(op, "lock inside it")}, "high");
          if (v.fence == 1) v.lock_in_fence = &op;
          v.locks.push_back(l);
          std::sort(v.locks.begin(), v.locks.end());
          break;
        }
        case Effect::kUnlock: {
          Lock l = lock_of(op);
          auto same = std::find_if(v.locks.begin(), v.locks.end(),
                                   [&](const Lock& h) { return h.constant == l.constant && h.target == l.target; });
          if (same != v.locks.end()) {
            v.locks.erase(same);
          } else if (!v.locks.empty()) {
            bool all_constant = l.constant;
            for (const Lock& h : v.locks) all_constant = all_constant && h.constant;
            if (all_constant) {
              if (report)
                rep.add(kKind_epoch_mismatch,
                        "MPI_Win_unlock of rank " + l.target + " on " + win + ", but the lock at " +
                            at_line(v.locks.front().op->line) + " was taken on rank " + v.locks.front().target,
                        {rep.side(*v.locks.front().op, "locks another target"), rep.side(op, "unlocks this one")},
                        "high");
              // The unlock fails (MPI_ERR_RMA_SYNC) and releases nothing: the lock stays held.
            } else if (v.locks.size() == 1) {
              v.locks.clear();  // not comparable: assume it is the one
            } else {
              v.locks.erase(std::remove_if(v.locks.begin(), v.locks.end(), [](const Lock& h) { return !h.constant; }),
                            v.locks.end());
            }
          } else if (!v.outer && report) {
            rep.add(kKind_epoch_mismatch,
                    "MPI_Win_unlock of rank " + l.target + " on " + win + " with no lock held on some path",
                    {rep.side(op, "unlock without lock")}, "high");
          }
          break;
        }
        case Effect::kLockAll:
          if (report && (v.lockall || !v.locks.empty()))
            rep.add(kKind_epoch_mismatch, "MPI_Win_lock_all on " + win + " while it is already locked",
                    {rep.side(v.lockall ? *v.lockall : *v.locks.front().op, "locked here"), rep.side(op, "lock_all")},
                    "high");
          v.lockall = &op;
          break;
        case Effect::kUnlockAll:
          if (!v.lockall && !v.outer && report)
            rep.add(kKind_epoch_mismatch, "MPI_Win_unlock_all on " + win + " without MPI_Win_lock_all on some path",
                    {rep.side(op, "unlock_all without lock_all")}, "high");
          v.lockall = nullptr;
          break;
        case Effect::kWinStart:
          v.start = &op;
          break;
        case Effect::kWinComplete:
          if (!v.start && !v.outer && report)
            rep.add(kKind_epoch_mismatch, "MPI_Win_complete on " + win + " without MPI_Win_start on some path",
                    {rep.side(op, "complete without start")}, "high");
          v.start = nullptr;
          break;
        case Effect::kWinPost:
          v.post = &op;
          break;
        case Effect::kWinWait:
          // MPI_Win_test is called in a loop until it succeeds: only MPI_Win_wait needs the post.
          if (!v.post && !v.outer && report && op.name == "MPI_Win_wait")
            rep.add(kKind_epoch_mismatch, "MPI_Win_wait on " + win + " without MPI_Win_post on some path",
                    {rep.side(op, "wait without post")}, "high");
          v.post = nullptr;
          break;
        case Effect::kFlush:
        case Effect::kFlushLocal:
        case Effect::kFlushAll:
        case Effect::kFlushLocalAll:
          if (v.locks.empty() && !v.lockall && !v.outer && report) {
            std::vector<Access> sides;
            if (v.fence && v.fence_op) sides.push_back(rep.side(*v.fence_op, "a fence epoch, not a passive one"));
            sides.push_back(rep.side(op, "flush outside a passive-target epoch"));
            rep.add(kKind_epoch_mismatch,
                    op.name + " on " + win + " outside a passive-target epoch (no lock or lock_all held) on some path",
                    sides, "high");
          }
          break;
        case Effect::kRma: {
          bool covered = v.fence || v.lockall || v.start;
          if (!covered && !v.locks.empty()) {
            Lock t = lock_of(op);
            for (const Lock& h : v.locks)
              if (!(h.constant && t.constant) || h.target == t.target) covered = true;
          }
          if (!covered && !v.outer && report)
            rep.add(kKind_missing_epoch,
                    op.name + " on " + win +
                        " with no access epoch open on some path (no MPI_Win_fence, lock, lock_all or start before it)",
                    {rep.side(op, "no epoch")}, "high");
          // Inside a lock, lock_all or start epoch the call belongs to that one, not to the fence epoch.
          if (v.fence == 1 && v.locks.empty() && !v.lockall && !v.start) v.fence = 2;
          break;
        }
        case Effect::kFree:
          if (report) unclosed(v, op, "MPI_Win_free");
          v.gone = true;
          break;
        default:
          break;
      }
    }
  };
  // Exits: a window created here and still open is unclosed; for one that came
  // from outside, an epoch this function opened and left open on one return
  // but closed on another is the inconsistent one.
  std::vector<std::pair<int, WinValue>> exits;
  auto at_exit = [&](int pred, const WinValue& v) { exits.push_back({pred, v}); };
  solve(ctx.fn, WinValue{}, step, at_exit);
  bool some_closed = false;
  for (const auto& [pred, v] : exits)
    if (v.tracked && !v.gone && !v.open()) some_closed = true;
  for (const auto& [pred, v] : exits) {
    if (!v.tracked || v.gone || !v.open()) continue;
    if (v.outer && !some_closed) continue;                  // always returns holding it: a helper that opens epochs
    if (ctx.fn.is_main && !ctx.fn.end_finalizes) continue;  // reported at Win_free/Finalize if reached
    const Node& ret = ctx.fn.nodes[pred];
    for (const Op* o : openers(v))
      rep.add(kKind_unclosed_epoch,
              "epoch opened by " + o->name + " on " + win + " at " + at_line(o->line) + " is still open when " +
                  (ctx.fn.end_finalizes ? std::string("the script ends") : ctx.fn.name + " returns") + " at " +
                  at_line(ret.line) + (v.outer ? ", while other paths close it" : ""),
              {rep.side(*o, "opened here"), rep.side(ret.line, ret.returns ? "return" : "end", "still open here")},
              v.outer ? "medium" : "high");
  }
}

}  // namespace

void check_epochs(const CheckContext& ctx) {
  std::map<std::string, Ref> keys;
  for (const Node& n : ctx.fn.nodes)
    for (const Op& op : n.ops)
      if (op.kind == OpKind::kMpi && !op.window.empty()) keys.emplace(op.window.key, op.window);
  for (const auto& [k, ref] : keys) run_key(ctx, ref);
}

}  // namespace rmacheck::lint
