#include "model/request_tracker.h"

#include <algorithm>
#include <sstream>

namespace rmacheck {

bool creates_persistent_request(CallId call) { return is_persistent_init(call); }

bool is_completion_call(CallId call) {
  switch (call) {
    case kCall_Wait:
    case kCall_Waitall:
    case kCall_Waitany:
    case kCall_Waitsome:
    case kCall_Test:
    case kCall_Testall:
    case kCall_Testany:
    case kCall_Testsome:
      return true;
    default:
      return false;
  }
}

std::vector<int64_t> request_ids(const EventView& v) {
  std::vector<int64_t> ids;
  for (int64_t id : v.array(kF_req)) ids.push_back(id);
  for (int64_t id : v.array(kF_reqs)) ids.push_back(id);
  return ids;
}

bool RequestRecord::active_at(uint32_t index) const {
  for (const ActiveInterval& a : active)
    if (a.start.index <= index && (!a.end || index < a.end->index)) return true;
  return false;
}

const RequestRecord* RankRequests::find(int64_t id) const {
  auto it = requests.find(id);
  return it == requests.end() ? nullptr : &it->second;
}

std::vector<const RequestRecord*> RankRequests::active_at(uint32_t index) const {
  std::vector<const RequestRecord*> out;
  for (const auto& [id, r] : requests)
    if (r.active_at(index)) out.push_back(&r);
  return out;
}

void RankRequests::process(const RankLog& log) {
  rank = log.rank;
  for (uint32_t i = 0; i < log.events.size(); ++i) on_event(log, i);
}

void RankRequests::on_event(const RankLog& log, uint32_t index) {
  const Event& e = log.events[index];
  const EventView v = log.view(e);
  const EventRef ref{rank, index};
  // MPI refused the call (its error handler returned), or the process died inside it.
  const bool failed = e.returned && e.rc != 0;
  const bool died_inside = !e.returned && index + 1 == log.events.size() && !log.finished;

  if (e.call == kCall_Finalize) {
    if (!finalize) finalize = ref;
    return;
  }

  if (auto id = v.get(kF_new_req); id && *id != 0) {
    RequestRecord r;
    r.id = *id;
    r.rank = rank;
    r.kind = creates_persistent_request(e.call) ? RequestKind::kPersistent : RequestKind::kNonblocking;
    r.created = ref;
    if (!r.persistent()) r.active.push_back({ref, std::nullopt});  // a nonblocking call starts its operation
    requests[*id] = std::move(r);
  }

  auto lookup = [&](int64_t id) -> RequestRecord* {
    auto it = requests.find(id);
    return it == requests.end() ? nullptr : &it->second;
  };
  auto issue = [&](RequestIssueKind k, int64_t id, std::optional<EventRef> related) {
    issues.push_back({k, id, ref, related});
  };

  if (e.call == kCall_Start || e.call == kCall_Startall) {
    bool null_handle = false;
    for (int64_t id : request_ids(v)) {
      if (id == 0) {
        null_handle = true;
        continue;
      }
      RequestRecord* r = lookup(id);
      if (!r) continue;  // made by a call rmacheck does not wrap
      r->lost = false;
      if (r->freed) {
        issue(RequestIssueKind::kUseAfterFree, id, r->freed);
        continue;
      }
      if (r->is_active()) {
        issue(RequestIssueKind::kStartActive, id, r->active.back().start);
        r->lost = true;  // the library may hand back a new handle for the new operation
        continue;
      }
      if (!r->persistent() || failed)
        continue;  // a completed nonblocking request is gone; a failed start starts nothing
      r->starts.push_back(ref);
      r->active.push_back({ref, std::nullopt});
    }
    if (null_handle && (failed || died_inside)) issue(RequestIssueKind::kNullHandle, 0, std::nullopt);
    return;
  }

  if (is_completion_call(e.call)) {
    for (int64_t id : request_ids(v)) {
      RequestRecord* r = id ? lookup(id) : nullptr;
      if (!r) continue;
      r->lost = false;
      if (r->freed) issue(RequestIssueKind::kUseAfterFree, id, r->freed);
    }
    for (int64_t id : v.array(kF_done)) {
      RequestRecord* r = id ? lookup(id) : nullptr;
      if (!r || r->freed) continue;
      if (r->is_active()) {
        r->active.back().end = ref;
      } else if (r->persistent() && r->starts.empty()) {
        issue(RequestIssueKind::kMissingStart, id, r->created);
      }
      r->completions.push_back(ref);
    }
    return;
  }

  if (e.call == kCall_Request_free) {
    bool null_handle = false;
    for (int64_t id : request_ids(v)) {
      if (id == 0) {
        null_handle = true;
        continue;
      }
      RequestRecord* r = lookup(id);
      if (!r) continue;
      r->lost = false;
      if (r->freed) {
        issue(RequestIssueKind::kUseAfterFree, id, r->freed);
        continue;
      }
      if (failed) continue;
      if (r->is_active()) issue(RequestIssueKind::kFreeActive, id, r->active.back().start);
      r->freed = ref;
    }
    if (null_handle && (failed || died_inside)) issue(RequestIssueKind::kNullHandle, 0, std::nullopt);
    return;
  }

  if (e.call == kCall_Cancel) {
    for (int64_t id : request_ids(v)) {
      RequestRecord* r = id ? lookup(id) : nullptr;
      if (!r) continue;
      r->lost = false;
      if (r->freed) issue(RequestIssueKind::kUseAfterFree, id, r->freed);
    }
  }
}

RequestTracker::RequestTracker(const Model& model) {
  for (const RankLog& log : model.logs) {
    RankRequests rr;
    rr.process(log);
    by_rank_[log.rank] = ranks_.size();
    ranks_.push_back(std::move(rr));
  }
}

const RankRequests* RequestTracker::rank(int r) const {
  auto it = by_rank_.find(r);
  return it == by_rank_.end() ? nullptr : &ranks_[it->second];
}

namespace {
std::string rank_list(const std::vector<int>& ranks) {
  std::string s = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) s += (i ? "," : "") + std::to_string(ranks[i]);
  return s;
}
}  // namespace

LeakScope leak_scope(const Model& model) {
  LeakScope scope;
  // Ranks that called MPI_Abort (the others were then killed by the launcher).
  std::vector<int> aborters;
  for (const RankLog& log : model.logs)
    for (const Event& e : log.events)
      if (e.call == kCall_Abort) {
        aborters.push_back(log.rank);
        break;
      }
  std::map<std::string, std::vector<int>> by_reason;
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
    scope.skipped.push_back(r);
    std::string why;
    if (!log) {
      why = "no log";
    } else if (std::find(aborters.begin(), aborters.end(), r) != aborters.end()) {
      why = "called MPI_Abort";
    } else if (!aborters.empty()) {
      why = "killed after " + rank_list(aborters) + " called MPI_Abort";
    } else if (model.meta.timed_out) {
      why = "stopped by --timeout";
    } else if (model.meta.interrupted_by) {
      why = "stopped by " + signal_name(model.meta.interrupted_by);
    } else if (!log->events.empty() && !log->events.back().returned) {
      why = std::string("died inside ") + log->events.back().name() + " (an MPI error or a crash)";
    } else if (model.meta.exit_signal) {
      why = "killed by signal " + std::to_string(*model.meta.exit_signal);
    } else {
      why = "ended without MPI_Finalize (crash or exit)";
    }
    by_reason[why].push_back(r);
  }
  if (scope.skipped.empty()) return scope;
  std::ostringstream note;
  note << "leak checks (requests and MPI objects) were skipped for " << rank_list(scope.skipped)
       << (scope.skipped.size() == 1 ? " because it" : " because they") << " did not reach MPI_Finalize (";
  bool first = true;
  for (const auto& [why, ranks] : by_reason) {
    note << (first ? "" : "; ") << rank_list(ranks) << ": " << why;
    first = false;
  }
  note << ")";
  scope.note = note.str();
  return scope;
}

void push_leak_note(const LeakScope& scope, std::vector<std::string>& notes) {
  if (scope.note.empty()) return;
  if (std::find(notes.begin(), notes.end(), scope.note) == notes.end()) notes.push_back(scope.note);
}

Mpi4pyFilter::Mpi4pyFilter(const Model& model) : model_(model) {
  for (const RankLog& log : model.logs) {
    bool py = false;
    for (const Event& e : log.events)
      if (log.view(e).has(kF_py_file)) {
        py = true;
        break;
      }
    python_[log.rank] = py;
  }
}

bool Mpi4pyFilter::internal(EventRef ref) const {
  auto it = python_.find(ref.rank);
  if (it == python_.end() || !it->second) return false;
  const EventView v = model_.view(ref);
  if (!v.has(kF_py_file)) return true;
  const auto made = v.get(kF_new_comm);
  if (!made || model_.event(ref).call != kCall_Comm_dup) return false;
  // The next call of the same thread: same Python statement, already on the new communicator?
  const RankLog* log = model_.rank_log(ref.rank);
  const Event& e = model_.event(ref);
  for (size_t i = ref.index + 1; i < log->events.size(); ++i) {
    const Event& next = log->events[i];
    if (next.thread != e.thread) continue;
    const EventView nv = log->view(next);
    return nv.get(kF_comm) == made && nv.get(kF_py_file) == v.get(kF_py_file) &&
           nv.get(kF_py_line) == v.get(kF_py_line);
  }
  return false;
}

}  // namespace rmacheck
