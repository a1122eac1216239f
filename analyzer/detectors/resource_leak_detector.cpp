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

#include "detectors/detector.h"
#include "model/request_tracker.h"

namespace rmacheck {

namespace {

enum ObjectKind { kWindow, kDatatype, kComm, kGroup, kOp };

struct ObjectKindInfo {
  FieldId created;  // field of the creating call carrying the new id
  CallId free_call;
  FieldId freed;  // field of the free call naming the object
  const char* what;
  const char* free_name;
};

const ObjectKindInfo kObjects[] = {
    {kF_new_win, kCall_Win_free, kF_win, "window", "MPI_Win_free"},
    {kF_new_type, kCall_Type_free, kF_type, "datatype", "MPI_Type_free"},
    {kF_new_comm, kCall_Comm_free, kF_comm, "communicator", "MPI_Comm_free"},
    {kF_new_group, kCall_Group_free, kF_group_id, "group", "MPI_Group_free"},
    {kF_new_op, kCall_Op_free, kF_op, "user-defined op", "MPI_Op_free"},
};

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
      std::map<std::pair<int, int64_t>, std::vector<EventRef>> live;
      for (uint32_t i = 0; i < log.events.size(); ++i) {
        const Event& e = log.events[i];
        const EventView v = log.view(e);
        for (int k = 0; k < static_cast<int>(std::size(kObjects)); ++k) {
          const ObjectKindInfo& o = kObjects[k];
          if (auto id = v.get(o.created)) live[{k, *id}].push_back({log.rank, i});
          if (e.call == o.free_call && !(e.returned && e.rc != 0)) {
            auto id = v.get(o.freed);
            if (!id) continue;
            auto it = live.find({k, *id});
            if (it != live.end() && !it->second.empty()) {
              it->second.pop_back();
              if (it->second.empty()) live.erase(it);
            }
          }
        }
      }
      for (const auto& [key, refs] : live) {
        const ObjectKindInfo& o = kObjects[key.first];
        for (const EventRef& ref : refs) {
          if (mpi4py.internal(ref)) continue;
          Finding f;
          f.kind = kKind_resource_leak;
          std::string what = o.what;
          if (key.first == kWindow) {
            f.window = model.window_name(key.second);
            what += " " + f.window;
          }
          f.message = what + " created by " + model.event(ref).name() + " is never freed (missing " + o.free_name +
                      " before MPI_Finalize)";
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
