#include "model/leak_scope.h"

#include <algorithm>

namespace rmacheck {

namespace {
// Loads, stores and thread synchronization (other threads go on logging them) are no MPI call.
const Event* last_mpi_call(const RankLog& log) {
  for (size_t i = log.events.size(); i-- > 0;)
    if (is_mpi_call(log.events[i].call)) return &log.events[i];
  return nullptr;
}
}  // namespace

LeakScope leak_scope(const Model& model) {
  LeakScope scope;
  // Ranks that called MPI_Abort (the others were then killed by the launcher).
  for (const RankLog& log : model.logs)
    for (const Event& e : log.events)
      if (e.call == kCall_Abort) {
        scope.aborters.push_back(log.rank);
        break;
      }
  const int n = std::max(model.world_size, model.logs.empty() ? 0 : model.logs.back().rank + 1);
  for (int r = 0; r < n; ++r) {
    const RankLog* log = model.rank_log(r);
    if (log) {
      for (uint32_t i = 0; i < log->events.size(); ++i)
        if (log->events[i].call == kCall_Finalize) {
          scope.finalize[r] = {r, i};
          break;
        }
      if (scope.reached(r)) continue;
    }
    LeakScope::Skipped s;
    s.rank = r;
    const auto& aborters = scope.aborters;
    if (!log) {
      s.why = LeakScope::Why::kNoLog;
    } else if (log->logging_stopped_at) {
      s.why = LeakScope::Why::kLoggingStopped;
    } else if (std::find(aborters.begin(), aborters.end(), r) != aborters.end()) {
      s.why = LeakScope::Why::kCalledAbort;
    } else if (!aborters.empty()) {
      s.why = LeakScope::Why::kKilledAfterAbort;
    } else if (model.meta.timed_out) {
      s.why = LeakScope::Why::kStoppedByTimeout;
    } else if (model.meta.interrupted_by) {
      s.why = LeakScope::Why::kInterrupted;
      s.signal = model.meta.interrupted_by;
    } else if (const Event* e = last_mpi_call(*log); e && !e->returned) {
      s.why = LeakScope::Why::kDiedInside;
      s.last_call = e->call;
    } else if (model.meta.exit_signal) {
      s.why = LeakScope::Why::kKilledBySignal;
      s.signal = *model.meta.exit_signal;
    } else {
      s.why = LeakScope::Why::kNoFinalize;
    }
    scope.skipped.push_back(r);
    scope.reasons.push_back(s);
  }
  return scope;
}

}  // namespace rmacheck
