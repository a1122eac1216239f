// Requests, per handle (`req`, `reqs[1]`, or `reqs[*]` for the elements of an
// array indexed in a loop): request-leak (a path to MPI_Finalize, or out of
// the function that owns the handle, on which it is never freed/completed;
// a second init while the first is still allocated), request-misuse (Start
// on an active request, a persistent request still active at Finalize or
// freed while active, a wait on a request never started) and
// request-free-active (Request_free of an active nonblocking request).
// rma-semantics.md section 6.
//
// `reqs[*]` stands for every element at once: ops on it are taken to cover
// the whole array (the loop pattern), so order-dependent findings (restart,
// overwrite) are not reported for it; their confidence is lower.
#include "lint/check.h"
#include "lint/dataflow.h"
#include "lint/lint_calls.h"

namespace rmacheck::lint {

namespace {

enum class ReqState { kUntracked, kNull, kInactive, kActive, kNbActive, kGone };

struct ReqValue {
  ReqState s = ReqState::kUntracked;
  const Op* created = nullptr;
  const Op* started = nullptr;
  bool operator<(const ReqValue& o) const {
    return std::tie(s, created, started) < std::tie(o.s, o.created, o.started);
  }
};

bool allocated(ReqState s) { return s == ReqState::kInactive || s == ReqState::kActive || s == ReqState::kNbActive; }

// Does an op on `r` act on the request tracked as `key`? The whole array acts on every element. An
// element of unknown index (`reqs[i]` in a loop) and a constant one (`reqs[2]`) of the same array
// are taken to meet when the op starts, completes or frees (the loop over the requests that
// `reqs[0] = ...; reqs[1] = ...` made, and the other way round), not when it creates: a loop of
// inits over the other elements does not overwrite reqs[0].
bool concerns(const Ref& r, const Ref& key, bool creates = false) {
  if (r.empty()) return false;
  if (r.key == key.key) return true;
  if (r.base != key.base) return false;
  if (r.whole) return true;
  return !creates && (r.element || key.element) && (r.element || r.index) && (key.element || key.index);
}

void run_key(const CheckContext& ctx, const Ref& key) {
  const bool summary = key.element;  // reqs[*]
  const std::string conf = summary ? "medium" : "high";
  Reporter& rep = ctx.report;
  auto step = [&](int, const Node& node, ReqValue& v, bool report) {
    for (const Op& op : node.ops) {
      if (op.kind == OpKind::kEscape && op.var.base == key.base) {
        v.s = ReqState::kGone;
        continue;
      }
      if (op.kind == OpKind::kFailed) {  // the error arm of the call that made it: nothing was made
        if (concerns(op.request, key) && v.created && same_call(*v.created, op)) v = ReqValue{ReqState::kNull};
        continue;
      }
      if (op.kind != OpKind::kMpi) continue;
      const CallInfo* info = find_call(op.name);
      if (!info) continue;
      if (info->effect == Effect::kFinalize) {
        if (report && v.created && allocated(v.s)) {
          bool persistent = v.s != ReqState::kNbActive;
          if (v.s == ReqState::kActive && v.started)
            rep.add(kKind_request_misuse,
                    "persistent request started by " + v.started->name +
                        " is still active at MPI_Finalize on some path (missing MPI_Wait/MPI_Test)",
                    {rep.side(*v.started, "started here"), rep.side(op, "still active here")}, conf,
                    {{"problem", "missing-wait"}, {"request", key.key}});
          rep.add(kKind_request_leak,
                  persistent ? "persistent request '" + key.key + "' created by " + v.created->name +
                                   " is never freed on some path to MPI_Finalize (missing MPI_Request_free)"
                             : "request '" + key.key + "' of " + v.created->name +
                                   " is never completed nor freed on some path to MPI_Finalize (missing MPI_Wait)",
                  {rep.side(*v.created, "created here")}, conf, {{"request", key.key}});
        }
        v.s = ReqState::kGone;
        continue;
      }
      const bool creates = info->effect == Effect::kPersistentInit || info->effect == Effect::kNonblocking ||
                           info->effect == Effect::kRma;
      if (!concerns(op.request, key, creates)) continue;
      switch (info->effect) {
        case Effect::kPersistentInit:
        case Effect::kNonblocking:
        case Effect::kRma: {
          if (report && !summary && allocated(v.s) && v.created)
            rep.add(kKind_request_leak,
                    op.name + " overwrites request '" + key.key + "' while the one created by " + v.created->name +
                        " at " + at_line(v.created->line) + " is still " +
                        (v.s == ReqState::kInactive ? "allocated (never freed)" : "active (never completed)"),
                    {rep.side(op, "overwrites the handle"), rep.side(*v.created, "created here, never freed")}, conf,
                    {{"request", key.key}, {"problem", "overwritten"}});
          v.s = info->effect == Effect::kPersistentInit ? ReqState::kInactive : ReqState::kNbActive;
          v.created = &op;
          v.started = nullptr;
          break;
        }
        case Effect::kStart:
        case Effect::kStartAll:
          if (v.s == ReqState::kActive) {
            if (report && !summary && v.started)
              rep.add(kKind_request_misuse,
                      op.name + " restarts persistent request '" + key.key +
                          "' that is still active on some path (started before and not completed by MPI_Wait/MPI_Test)",
                      {rep.side(op, "starts an active request"), rep.side(*v.started, "made it active")}, conf,
                      {{"problem", "start-active"}, {"request", key.key}});
          } else if (v.s == ReqState::kNbActive) {
            if (report && !summary && v.created)
              rep.add(kKind_request_misuse,
                      op.name + " on nonblocking request '" + key.key + "' (only persistent requests can be started)",
                      {rep.side(op, "starts a nonblocking request"), rep.side(*v.created, "created here")}, conf,
                      {{"problem", "start-active"}, {"request", key.key}});
            break;
          }
          if (v.s == ReqState::kInactive || v.s == ReqState::kActive) {
            v.s = ReqState::kActive;
            v.started = &op;
          }
          break;
        case Effect::kComplete:
        case Effect::kCompleteAll:
          if (v.s == ReqState::kInactive && !v.started && v.created && report)
            rep.add(kKind_request_misuse,
                    op.name + " completes persistent request '" + key.key + "' created by " + v.created->name +
                        " that is never started before it on some path (missing MPI_Start)",
                    {rep.side(op, "waits on an inactive request"), rep.side(*v.created, "created here")}, conf,
                    {{"problem", "missing-start"}, {"request", key.key}});
          if (v.s == ReqState::kActive) v.s = ReqState::kInactive;
          if (v.s == ReqState::kNbActive) v.s = ReqState::kNull;
          break;
        case Effect::kRequestFree:
          if (report && v.s == ReqState::kActive && (v.started || v.created))
            rep.add(kKind_request_misuse,
                    "MPI_Request_free on persistent request '" + key.key +
                        "' while it is active on some path: started and never completed (missing MPI_Wait/MPI_Test)",
                    {rep.side(op, "frees the active request"),
                     rep.side(v.started ? *v.started : *v.created, "started here")},
                    conf, {{"problem", "missing-wait"}, {"request", key.key}});
          else if (report && v.s == ReqState::kNbActive && (v.started || v.created))
            rep.add(kKind_request_free_active,
                    "MPI_Request_free on request '" + key.key +
                        "' while it is active on some path (its completion can never be known; complete it with "
                        "MPI_Wait/MPI_Test first)",
                    {rep.side(op, "frees the active request"),
                     rep.side(v.started ? *v.started : *v.created, "made it active")},
                    conf, {{"problem", "free-active"}, {"request", key.key}});
          if (v.s != ReqState::kUntracked && v.s != ReqState::kGone) v.s = ReqState::kNull;
          break;
        default:
          break;
      }
    }
  };
  const Function& fn = ctx.fn;
  auto at_exit = [&](int pred, const ReqValue& v) {
    if (!v.created || !allocated(v.s)) return;
    if (fn.end_finalizes) {  // mpi4py finalizes MPI when the script ends
      rep.add(kKind_request_leak,
              "request '" + key.key + "' created by " + v.created->name + " is never " +
                  (v.s == ReqState::kNbActive ? "completed" : "freed") +
                  " on some path to the end of the script (MPI is finalized there)",
              {rep.side(*v.created, "created here")}, conf, {{"request", key.key}});
      return;
    }
    if (fn.is_main || !key.local) return;  // main: reported at MPI_Finalize; others: the caller may own it
    rep.add(kKind_request_leak,
            "request '" + key.key + "' created by " + v.created->name + " is still " +
                (v.s == ReqState::kNbActive ? "pending" : "allocated") + " when " + fn.name + " returns at " +
                at_line(fn.nodes[pred].line) + " on some path, and its handle is lost",
            {rep.side(*v.created, "created here")}, conf, {{"request", key.key}});
  };
  solve(fn, ReqValue{}, step, at_exit);
}

}  // namespace

void check_requests(const CheckContext& ctx) {
  std::map<std::string, Ref> keys;
  for (const Node& n : ctx.fn.nodes)
    for (const Op& op : n.ops) {
      if (op.kind != OpKind::kMpi || op.request.empty() || op.request.whole) continue;
      const CallInfo* info = find_call(op.name);
      if (info && (info->effect == Effect::kPersistentInit || info->effect == Effect::kNonblocking ||
                   info->effect == Effect::kRma))
        keys.emplace(op.request.key, op.request);
    }
  for (const auto& [k, ref] : keys) run_key(ctx, ref);
}

}  // namespace rmacheck::lint
