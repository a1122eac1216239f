#include "detectors/wording.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "call_traits.h"

namespace rmacheck {

std::string rank_list(const std::vector<int>& ranks) {
  std::string s = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) s += (i ? "," : "") + std::to_string(ranks[i]);
  return s;
}

std::string ordinal(int k) {
  const int m100 = k % 100, m10 = k % 10;
  const char* suffix = (m100 >= 11 && m100 <= 13) ? "th" : m10 == 1 ? "st" : m10 == 2 ? "nd" : m10 == 3 ? "rd" : "th";
  return std::to_string(k) + suffix;
}

std::string assert_names(int bits) {
  static const std::pair<int, const char*> names[] = {{kModeNoCheck, "MPI_MODE_NOCHECK"},
                                                      {kModeNoStore, "MPI_MODE_NOSTORE"},
                                                      {kModeNoPut, "MPI_MODE_NOPUT"},
                                                      {kModeNoPrecede, "MPI_MODE_NOPRECEDE"},
                                                      {kModeNoSucceed, "MPI_MODE_NOSUCCEED"}};
  std::string s;
  for (const auto& [bit, name] : names)
    if (bits & bit) s += (s.empty() ? "" : "|") + std::string(name);
  return s.empty() ? "0" : s;
}

std::string target_words(int64_t t) {
  if (t == kRankProcNull) return "MPI_PROC_NULL";
  if (is_invalid_rank(t)) return "invalid rank " + std::to_string(invalid_rank_as_given(t));
  return "rank " + std::to_string(t);
}

std::string describe_call(const Model& model, EventRef e) {
  const Event& ev = model.event(e);
  const CallTraits& traits = call_traits(ev.call);
  EventView v = model.view(e);
  std::string s = ev.name();
  if (traits.family != CallFamily::kRma && traits.family != CallFamily::kSync) return s;
  if (traits.rank(kF_target)) {
    if (auto t = v.get(kF_target)) s += (traits.is_rma() ? " to " : " on ") + target_words(*t);
  } else if (int a = static_cast<int>(v.get_or(kF_assert, 0))) {
    s += "(" + assert_names(a) + ")";
  }
  return s;
}

std::string call_outcome(const Model& model, EventRef e) {
  const Event& ev = model.event(e);
  if (!ev.returned && !model.meta.stopped())
    return " (the job ended inside this call: the MPI library most likely aborted here)";
  if (ev.returned && ev.rc != 0) return " (MPI returned error code " + std::to_string(ev.rc) + ")";
  return "";
}

const char* rma_target_access(const Model& model, EventRef e) {
  const CallTraits& traits = call_traits(model.event(e).call);
  if (traits.role == CallRole::kGet) return "read";
  if (traits.role == CallRole::kPut) return "write";
  return traits.updates_target(model.view(e).get_or(kF_op, -1)) ? "atomic" : "read";
}

int rma_target(const Model& model, EventRef e) {
  if (!call_traits(model.event(e).call).is_rma()) return -1;
  const int64_t t = model.view(e).get_or(kF_target, -1);
  return t >= 0 ? static_cast<int>(t) : -1;
}

Access call_access(EventRef e, std::string note, int target_rank) {
  Access a;
  a.event = e;
  a.access = "call";
  a.target_rank = target_rank;
  a.note = std::move(note);
  return a;
}

namespace {
std::string skip_reason(const LeakScope& scope, const LeakScope::Skipped& s) {
  switch (s.why) {
    case LeakScope::Why::kNoLog:
      return "no log";
    case LeakScope::Why::kCalledAbort:
      return "called MPI_Abort";
    case LeakScope::Why::kKilledAfterAbort:
      return "killed after " + rank_list(scope.aborters) + " called MPI_Abort";
    case LeakScope::Why::kStoppedByTimeout:
      return "stopped by --timeout";
    case LeakScope::Why::kInterrupted:
      return "stopped by " + signal_name(s.signal);
    case LeakScope::Why::kDiedInside:
      return std::string("died inside ") + call_name(s.last_call) + " (an MPI error or a crash)";
    case LeakScope::Why::kKilledBySignal:
      return "killed by signal " + std::to_string(s.signal);
    case LeakScope::Why::kNoFinalize:
      return "ended without MPI_Finalize (crash or exit)";
    case LeakScope::Why::kLoggingStopped:
      return "their logs stopped early (disk full)";
  }
  return "?";
}
}  // namespace

std::string leak_note(const LeakScope& scope) {
  if (scope.skipped.empty()) return "";
  std::map<std::string, std::vector<int>> by_reason;
  for (const LeakScope::Skipped& s : scope.reasons) by_reason[skip_reason(scope, s)].push_back(s.rank);
  const std::vector<int>& ranks = scope.skipped;
  std::ostringstream note;
  note << "leak checks (requests and MPI objects) were skipped for " << rank_list(ranks)
       << (ranks.size() == 1 ? " because it" : " because they") << " did not reach MPI_Finalize (";
  bool first = true;
  for (const auto& [why, rs] : by_reason) {
    note << (first ? "" : "; ") << rank_list(rs) << ": " << why;
    first = false;
  }
  note << ")";
  return note.str();
}

void push_leak_note(const LeakScope& scope, std::vector<std::string>& notes) {
  const std::string note = leak_note(scope);
  if (note.empty()) return;
  if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
}

}  // namespace rmacheck
