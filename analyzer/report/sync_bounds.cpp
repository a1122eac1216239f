#include "report/sync_bounds.h"

namespace rmacheck {

std::vector<std::string> sync_bounds(const nlohmann::json& a, const CallAtFn& call_at) {
  const int rank = a.value("rank", -1);
  std::vector<std::string> bounds;
  if (a.contains("request")) bounds.push_back("request created by " + call_at(a["request"]["created_by"], rank));
  if (a.contains("sync")) {
    const nlohmann::json& s = a["sync"];
    if (s.contains("opened_by"))
      bounds.push_back((a.contains("request") ? "started by " : "epoch opened by ") + call_at(s["opened_by"], rank));
    if (s.contains("completed_by"))
      bounds.push_back(s["completed_by"].is_null() ? std::string("never completed within the log")
                                                   : "completed by " + call_at(s["completed_by"], rank));
  }
  return bounds;
}

}  // namespace rmacheck
