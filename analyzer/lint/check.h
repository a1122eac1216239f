// What every lint check gets and gives: the unit and function it looks at,
// the rank-taint facts of the unit, and a reporter that turns IR ops into
// static findings (Finding with SourceSite instead of events). One check per
// file (request_check.cpp, ...), listed in checks.cpp, the way detectors are
// listed in detectors/registry.cpp.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "detectors/finding.h"
#include "lint/lint_ir.h"

namespace rmacheck::lint {

// Variables whose value depends on the rank (assigned from MPI_Comm_rank /
// comm.Get_rank(), directly or through assignments, calls and returns).
struct RankTaint {
  std::map<std::string, std::set<std::string>> by_function;  // function name -> tainted locals/params
  std::set<std::string> globals;
  std::set<std::string> returning;  // functions that return a rank-dependent value
  bool tainted(const std::string& fn, const std::string& var) const;
};
RankTaint compute_rank_taint(const Unit& unit);

class Reporter {
 public:
  Reporter(const Unit& unit, const Function& fn, std::vector<Finding>& out) : unit_(unit), fn_(fn), out_(out) {}
  SourceSite site(const Op& op) const;
  SourceSite site(int line, const std::string& what) const;
  Access side(const Op& op, const std::string& note) const;
  Access side(int line, const std::string& what, const std::string& note) const;
  // Adds a finding unless the same kind with the same sides was already added for this function.
  void add(FindingKind kind, const std::string& message, std::vector<Access> sides, const std::string& confidence,
           nlohmann::json details = nlohmann::json::object());
  const Function& function() const { return fn_; }
  const Unit& unit() const { return unit_; }

 private:
  const Unit& unit_;
  const Function& fn_;
  std::vector<Finding>& out_;
  std::set<std::string> seen_;
};

struct CheckContext {
  const Unit& unit;
  const Function& fn;
  const RankTaint& taint;
  Reporter& report;
};

using Check = void (*)(const CheckContext&);
const std::vector<Check>& all_checks();

void check_requests(const CheckContext& ctx);
void check_resources(const CheckContext& ctx);
void check_epochs(const CheckContext& ctx);
void check_collectives(const CheckContext& ctx);
void check_buffers(const CheckContext& ctx);

// Short words for a place: "line 12".
std::string at_line(int line);

// The same call site: a kFailed op and the kMpi op it stands for.
bool same_call(const Op& a, const Op& b);

// May the user function `callee`, given `var` in its argument `arg`, complete or close what is
// pending or open on it (a synchronization, completion or free of that window or request, or passing
// it on to a function that may)? True for functions not defined in this unit.
bool may_synchronize(const Unit& unit, const std::string& callee, size_t arg);

}  // namespace rmacheck::lint
