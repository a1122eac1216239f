// resource-leak: a window, datatype, communicator, group or op created on
// a path to MPI_Finalize (or out of the function owning the handle) on which
// it is never freed, or created again over a live one. rma-semantics.md
// section 6. A handle compared in a condition (`if (c != MPI_COMM_NULL)`),
// copied, returned or passed to a user function is no longer followed.
#include "lint/check.h"
#include "lint/dataflow.h"
#include "lint/lint_calls.h"

namespace rmacheck::lint {

namespace {

enum class ObjState { kUntracked, kLive, kFreed, kGone };

struct ObjValue {
  ObjState s = ObjState::kUntracked;
  const Op* created = nullptr;
  bool operator<(const ObjValue& o) const { return std::tie(s, created) < std::tie(o.s, o.created); }
};

void run_key(const CheckContext& ctx, const Ref& key, ObjectKind kind) {
  Reporter& rep = ctx.report;
  const std::string what = std::string(object_words(kind)) + " '" + key.key + "'";
  const std::string conf = key.element ? "medium" : "high";
  auto step = [&](int, const Node& node, ObjValue& v, bool report) {
    for (const Op& op : node.ops) {
      if (op.kind == OpKind::kEscape && op.var.base == key.base) {
        v.s = ObjState::kGone;
        continue;
      }
      if (op.kind == OpKind::kFailed) {  // the error arm of the creating call: nothing was made
        if (op.object.key == key.key && v.created && same_call(*v.created, op)) v = ObjValue{};
        continue;
      }
      if (op.kind != OpKind::kMpi) continue;
      const CallInfo* info = find_call(op.name);
      if (!info) continue;
      if (info->effect == Effect::kFinalize) {
        if (report && v.s == ObjState::kLive && v.created)
          rep.add(kKind_resource_leak,
                  what + " created by " + v.created->name + " is never freed on some path to MPI_Finalize (missing " +
                      object_free_call(kind) + ")",
                  {rep.side(*v.created, "created here")}, conf, {{"object", object_words(kind)}});
        v.s = ObjState::kGone;
        continue;
      }
      // A free in a loop (`types[i]`) frees the elements made one by one (`types[0]`), and the other way round.
      const bool element_free = info->effect == Effect::kFree && op.object.base == key.base &&
                                (op.object.element || key.element) && (op.object.element || op.object.index) &&
                                (key.element || key.index);
      if ((op.object.key != key.key && !element_free) || info->object_kind != kind) continue;
      if (info->effect == Effect::kCreate) {
        if (report && v.s == ObjState::kLive && v.created && !key.element)
          rep.add(kKind_resource_leak,
                  op.name + " overwrites " + what + " created by " + v.created->name + " at " +
                      at_line(v.created->line) + ", which was never freed",
                  {rep.side(*v.created, "created here, never freed")}, conf,
                  {{"object", object_words(kind)}, {"problem", "overwritten"}});
        v.s = ObjState::kLive;
        v.created = &op;
      } else if (info->effect == Effect::kFree && v.s != ObjState::kUntracked) {
        v.s = ObjState::kFreed;
      }
    }
  };
  const Function& fn = ctx.fn;
  auto at_exit = [&](int pred, const ObjValue& v) {
    if (v.s != ObjState::kLive || !v.created) return;
    if (fn.end_finalizes) {
      rep.add(kKind_resource_leak,
              what + " created by " + v.created->name +
                  " is never freed on some path to the end of the script (missing " + object_free_call(kind) + ")",
              {rep.side(*v.created, "created here")}, conf, {{"object", object_words(kind)}});
      return;
    }
    if (fn.is_main || !key.local) return;
    rep.add(kKind_resource_leak,
            what + " created by " + v.created->name + " is still live when " + fn.name + " returns at " +
                at_line(fn.nodes[pred].line) + " on some path, and its handle is lost (missing " +
                object_free_call(kind) + ")",
            {rep.side(*v.created, "created here")}, conf, {{"object", object_words(kind)}});
  };
  solve(fn, ObjValue{}, step, at_exit);
}

}  // namespace

void check_resources(const CheckContext& ctx) {
  std::map<std::pair<std::string, int>, Ref> keys;
  for (const Node& n : ctx.fn.nodes)
    for (const Op& op : n.ops) {
      if (op.kind != OpKind::kMpi || op.object.empty()) continue;
      const CallInfo* info = find_call(op.name);
      if (info && info->effect == Effect::kCreate)
        keys.emplace(std::make_pair(op.object.key, info->object_kind), op.object);
    }
  for (const auto& [k, ref] : keys) run_key(ctx, ref, static_cast<ObjectKind>(k.second));
}

}  // namespace rmacheck::lint
