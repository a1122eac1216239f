#include <algorithm>
#include <map>

#include "lint/check.h"
#include "lint/lint_calls.h"

namespace rmacheck::lint {

const std::vector<Check>& all_checks() {
  static const std::vector<Check> checks = {check_requests, check_resources, check_epochs, check_collectives,
                                            check_buffers};
  return checks;
}

std::string at_line(int line) { return "line " + std::to_string(line); }

bool same_call(const Op& a, const Op& b) { return a.name == b.name && a.line == b.line && a.column == b.column; }

namespace {

// `p`, `*p`, `p->win`, `p[2]`: a handle reached through the parameter p.
bool through(const std::string& base, const std::string& p) {
  size_t i = 0;
  while (i < base.size() && (base[i] == '*' || base[i] == '(' || base[i] == '&')) ++i;
  if (base.compare(i, p.size(), p) != 0) return false;
  i += p.size();
  return i == base.size() || !(isalnum(static_cast<unsigned char>(base[i])) || base[i] == '_');
}

bool synchronizes(const Unit& unit, const std::string& callee, size_t arg, int depth) {
  const Function* fn = nullptr;
  for (const Function& f : unit.functions)
    if (f.name == callee) fn = &f;
  if (!fn || arg >= fn->params.size() || depth > 8) return true;
  const std::string& p = fn->params[arg];
  for (const Node& n : fn->nodes)
    for (const Op& op : n.ops) {
      if (op.kind == OpKind::kMpi) {
        const CallInfo* info = find_call(op.name);
        if (!info) continue;
        bool on_p = through(op.window.base, p) || through(op.request.base, p) || through(op.object.base, p);
        if (!on_p) continue;
        switch (info->effect) {
          case Effect::kFence:
          case Effect::kUnlock:
          case Effect::kUnlockAll:
          case Effect::kFlush:
          case Effect::kFlushLocal:
          case Effect::kFlushAll:
          case Effect::kFlushLocalAll:
          case Effect::kWinComplete:
          case Effect::kComplete:
          case Effect::kCompleteAll:
          case Effect::kRequestFree:
          case Effect::kFree:
          case Effect::kFinalize:
            return true;
          default:
            break;
        }
      } else if (op.kind == OpKind::kCall) {
        for (size_t i = 0; i < op.args.size(); ++i)
          if (std::find(op.args[i].begin(), op.args[i].end(), p) != op.args[i].end() &&
              synchronizes(unit, op.name, i, depth + 1))
            return true;
      } else if (op.kind == OpKind::kEscape && through(op.var.base, p)) {
        // Copied or stored away, what happens to it then is not followed. (Passed to a call, the
        // kCall of the same node answers.)
        bool passed = false;
        for (const Op& o : n.ops)
          if (o.kind == OpKind::kCall)
            for (const auto& a : o.args) passed = passed || std::find(a.begin(), a.end(), p) != a.end();
        if (!passed) return true;
      }
    }
  return false;
}

}  // namespace

bool may_synchronize(const Unit& unit, const std::string& callee, size_t arg) {
  return synchronizes(unit, callee, arg, 0);
}

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
