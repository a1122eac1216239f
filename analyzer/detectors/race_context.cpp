#include "detectors/race_context.h"

#include <algorithm>

#include "call_traits.h"

namespace rmacheck {

namespace {

// Bytes per element of a datatype when its elements are dense (a basic type
// or a contiguous run of one): the element index is then bytes / size.
int64_t dense_element_size(const RankLog& log, int64_t type) {
  auto it = log.types.find(type);
  if (it == log.types.end()) return 0;
  const TypeLayout& t = it->second;
  const bool dense = t.blocks.size() == 1 && t.blocks[0].offset == 0 && t.blocks[0].length == t.extent;
  return dense && t.extent > 0 ? t.extent : 0;
}

// The request whose buffer access `m` is: the nonblocking call that created
// it, or the Start that activated it (a Startall starts several: the one whose
// buffer is the accessed region).
const RequestRecord* request_of(AnalysisContext& ctx, const MemAccess& m) {
  const RankRequests* rr = ctx.requests().rank(m.issuer);
  if (!rr) return nullptr;
  const Model& model = ctx.model();
  const RequestRecord* any = nullptr;
  for (const RequestRecord& r : rr->requests) {
    const bool started_here = r.created.index == m.event || r.started_by(m.event);
    if (!started_here) continue;
    EventView v = model.view(r.created);
    if (v.get_or(kF_buf, -1) == m.region || v.get_or(kF_recv_buf, -1) == m.region) return &r;
    if (!any) any = &r;
  }
  return any;
}

}  // namespace

void describe_race_side(AnalysisContext& ctx, const MemAccess& m, Access& side) {
  const Model& model = ctx.model();
  const EventRef ev{m.issuer, m.event};
  const Event& e = model.event(ev);
  EventView v = model.view(ev);
  const RankLog& log = *model.rank_log(m.issuer);
  if (m.complete_at >= 0) side.completed = EventRef{m.complete_rank, event_of(m.complete())};
  side.completion_known = true;
  if (call_traits(e.call).is_rma()) {
    const int64_t target = v.get_or(kF_target, -1);
    side.target_rank = target >= 0 ? static_cast<int>(target) : -1;
    if (const Epoch* epoch = ctx.epochs().epoch_of(ev)) side.epoch_opened = epoch->open;
    if (m.at_target) {
      side.memory = "window";
      auto w = model.windows.find(v.get_or(kF_win, 0));
      if (w != model.windows.end()) {
        const WindowModel& wm = w->second;
        const size_t tr = wm.window_rank(m.process);
        if (wm.flavor == kWinDynamic)
          side.unit = 1;
        else if (tr < wm.units.size())
          side.unit = wm.units[tr];
      }
      return;
    }
    // A Get's origin buffer receives the data; the fetching atomics' result buffer does.
    const bool get = e.call == kCall_Get || e.call == kCall_Rget;
    const bool result = !get && writes(m.kind);
    side.memory = result ? "result buffer" : "origin buffer";
    side.unit = dense_element_size(log, v.get_or(result ? kF_result_type : kF_origin_type, -1));
    return;
  }
  if (is_local_access(e.call)) {
    // The program's own load or store: of a window's memory (its region is the window's base
    // in the owner) or of other memory. It takes effect by its own end: nothing else bounds it.
    side.completed.reset();
    side.completion_known = false;
    side.memory = "memory";
    for (const auto& [id, w] : model.windows)
      for (size_t k = 0; k < w.members.size() && k < w.bases.size(); ++k)
        if (w.members[k] == m.process && w.bases[k] == m.region && w.flavor != kWinDynamic) {
          side.memory = "window";
          side.unit = k < w.units.size() ? w.units[k] : 0;
        }
    side.target_rank = m.process;  // whose memory: another rank's for a shared-memory segment
    return;
  }
  side.target_rank = -1;  // a buffer of the calling rank's own
  // Point-to-point (or Bcast) buffers: the fields are on the call that made the operation.
  EventRef made = ev;
  if (const RequestRecord* r = request_of(ctx, m)) {
    made = r->created;  // the access is at the Start (persistent) or the creating call (nonblocking)
    side.request = r->created;
  } else if (side.completed && side.completed->rank == ev.rank && side.completed->index == ev.index) {
    side.completed.reset();  // a blocking call: in use for the call's duration, nothing else bounds it
    side.completion_known = false;
  }
  const CallId mc = model.event(made).call;
  const bool bcast = mc == kCall_Bcast || mc == kCall_Ibcast || mc == kCall_X_Bcast_init;
  side.memory = bcast ? "broadcast buffer" : writes(m.kind) ? "receive buffer" : "send buffer";
  side.unit = dense_element_size(log, model.view(made).get_or(writes(m.kind) && !bcast ? kF_recv_type : kF_type, -1));
}

}  // namespace rmacheck
