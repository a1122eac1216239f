// What bounds one side of a finding in time, as the text and HTML reports
// word it: the request that made it, the call that opened its epoch (or
// started its request), the call that completed it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rmacheck {

// `call_at(event, side_rank)` renders one event of the report ("MPI_Win_fence
// at app.c:35"), escaped as the output format needs.
using CallAtFn = std::function<std::string(const nlohmann::json& event, int side_rank)>;

// Phrases such as "epoch opened by ...", "completed by ..." for the access `a`
// of a finding (its "request" and "sync" members), in reading order.
std::vector<std::string> sync_bounds(const nlohmann::json& a, const CallAtFn& call_at);

}  // namespace rmacheck
