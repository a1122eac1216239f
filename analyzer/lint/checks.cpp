#include <map>

#include "lint/check.h"

namespace rmacheck::lint {

const std::vector<Check>& all_checks() {
  static const std::vector<Check> checks = {check_requests, check_resources, check_epochs, check_collectives,
                                            check_buffers};
  return checks;
}

std::string at_line(int line) { return "line " + std::to_string(line); }

bool RankTaint::tainted(const std::string& fn, const std::string& var) const {
  if (globals.count(var)) return true;
  if (var.rfind("()", 0) == 0) return returning.count(var.substr(2)) > 0;
  auto it = by_function.find(fn);
  return it != by_function.end() && it->second.count(var) > 0;
}

// A fixpoint over the unit: seeds at MPI_Comm_rank, flowing through
// assignments, call arguments (into the callee's parameters) and returns.
RankTaint compute_rank_taint(const Unit& unit) {
  RankTaint t;
  std::set<std::string> globals(unit.globals.begin(), unit.globals.end());
  std::map<std::string, const Function*> by_name;
  for (const Function& f : unit.functions) by_name[f.name] = &f;
  auto mark = [&](const std::string& fn, const std::string& var) {
    if (var.rfind("()", 0) == 0) return t.returning.insert(var.substr(2)).second;
    if (globals.count(var)) return t.globals.insert(var).second;
    return t.by_function[fn].insert(var).second;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (const Function& f : unit.functions)
      for (const Node& n : f.nodes)
        for (const Op& op : n.ops) {
          if (op.kind == OpKind::kMpi && op.name == "MPI_Comm_rank" && !op.result.empty()) {
            changed |= mark(f.name, op.result.base);
          } else if (op.kind == OpKind::kAssign) {
            for (const std::string& r : op.reads)
              if (t.tainted(f.name, r)) {
                changed |= mark(f.name, op.var.base);
                break;
              }
          } else if (op.kind == OpKind::kCall) {
            auto it = by_name.find(op.name);
            if (it == by_name.end()) continue;
            for (size_t i = 0; i < op.args.size() && i < it->second->params.size(); ++i)
              for (const std::string& r : op.args[i])
                if (t.tainted(f.name, r)) {
                  changed |= mark(op.name, it->second->params[i]);
                  break;
                }
          }
        }
  }
  return t;
}

SourceSite Reporter::site(const Op& op) const {
  std::string what = op.name;
  if (op.kind == OpKind::kLoad) what = "load of " + op.var.key;
  if (op.kind == OpKind::kStore) what = "store to " + op.var.key;
  SourceSite s{unit_.file, op.line, op.column, fn_.name, what};
  return s;
}

SourceSite Reporter::site(int line, const std::string& what) const { return {unit_.file, line, 0, fn_.name, what}; }

Access Reporter::side(const Op& op, const std::string& note) const {
  Access a;
  a.site = site(op);
  a.note = note;
  if (op.kind == OpKind::kLoad) a.access = "read";
  if (op.kind == OpKind::kStore) a.access = "write";
  return a;
}

Access Reporter::side(int line, const std::string& what, const std::string& note) const {
  Access a;
  a.site = site(line, what);
  a.note = note;
  return a;
}

void Reporter::add(FindingKind kind, const std::string& message, std::vector<Access> sides,
                   const std::string& confidence, nlohmann::json details) {
  std::string key = std::to_string(kind);
  for (const Access& a : sides) key += "|" + std::to_string(a.site->line) + ":" + a.site->call;
  if (!seen_.insert(key).second) return;
  Finding f;
  f.kind = kind;
  f.message = message;
  f.accesses = std::move(sides);
  f.is_static = true;
  f.confidence = confidence;
  f.details = std::move(details);
  out_.push_back(std::move(f));
}

}  // namespace rmacheck::lint
