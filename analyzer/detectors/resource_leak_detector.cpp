// `resource-leak`: windows, derived datatypes, communicators, groups and
// user ops still allocated at MPI_Finalize (rma-semantics.md section 6), one
// finding per rank and object, at the call that created it (the report
// merges them by source line). Only ranks that reached MPI_Finalize are
// checked (the others get a note). Objects that mpi4py created by itself,
// outside the user's script, are not the user's leak and are skipped.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/wording.h"
#include "model/request_tracker.h"

namespace rmacheck {

namespace {

// The objects checked (requests have their own detector), in the order findings come, and what they are called.
struct ObjectWords {
  HandleKind kind;
  const char* what;
};
const ObjectWords kObjects[] = {
    {HandleKind::kWin, "window"},  {HandleKind::kDatatype, "datatype"},  {HandleKind::kComm, "communicator"},
    {HandleKind::kGroup, "group"}, {HandleKind::kOp, "user-defined op"},
};
// Position of a kind in kObjects, -1 for one not checked here.
int object_index(HandleKind k) {
  for (size_t i = 0; i < std::size(kObjects); ++i)
    if (kObjects[i].kind == k) return static_cast<int>(i);
  return -1;
}

// "MPI_Win_free": the call that frees objects of a kind (call_traits.def).
const char* free_call_name(HandleKind k) {
  for (int c = 0; c < kCallCount; ++c)
    for (const HandleArg& h : call_traits(static_cast<CallId>(c)).handles)
      if (h.kind == k && h.use == HandleUse::kFree) return call_name(c);
  return "its free call";
}

class ResourceLeakDetector : public Detector {
 public:
  const char* name() const override { return "resource-leak"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    const LeakScope& scope = ctx.leak_scope();
    const Mpi4pyFilter& mpi4py = ctx.mpi4py();
    for (const RankLog& log : model.logs) {
      if (!scope.reached(log.rank)) continue;
      // (kind, id) -> creations not freed yet, oldest first.
      std::map<std::pair<int, int64_t>, std::vector<EventRef>> live;  // by object_index
      for (uint32_t i = 0; i < log.events.size(); ++i) {
        const Event& e = log.events[i];
        const EventView v = log.view(e);
        const bool failed = e.returned && e.rc != 0;
        for (const HandleArg& h : call_traits(e.call).handles) {
          const int k = object_index(h.kind);
          if (k < 0) continue;
          auto id = v.get(h.field);
          if (!id) continue;
          if (h.use == HandleUse::kCreate) live[{k, *id}].push_back({log.rank, i});
          if (h.use != HandleUse::kFree || failed) continue;
          auto it = live.find({k, *id});
          if (it != live.end() && !it->second.empty()) {
            it->second.pop_back();
            if (it->second.empty()) live.erase(it);
          }
        }
      }
      for (const auto& [key, refs] : live) {
        const ObjectWords& o = kObjects[key.first];
        for (const EventRef& ref : refs) {
          if (mpi4py.internal(ref)) continue;
          Finding f;
          f.kind = kKind_resource_leak;
          std::string what = o.what;
          if (o.kind == HandleKind::kWin) {
            f.window = model.window_name(key.second);
            what += " " + f.window;
          }
          f.message = what + " created by " + model.event(ref).name() + " is never freed (missing " +
                      free_call_name(o.kind) + " before MPI_Finalize)";
          f.where = ref;  // the creation site; the report merges the ranks
          f.details = {{"object", o.what}, {"id", key.second}};
          out.findings.push_back(std::move(f));
        }
      }
    }
    push_leak_note(scope, out.notes);
  }
};

}  // namespace

std::unique_ptr<Detector> make_resource_leak_detector() { return std::make_unique<ResourceLeakDetector>(); }

}  // namespace rmacheck
