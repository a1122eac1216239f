// A forward path-set analysis over a function's graph: each node holds the
// set of distinct (value, branch facts) pairs that reach it. The value is
// the check's abstract state of one tracked handle or buffer; the branch
// facts make `if (c) lock; ...; if (c) unlock;` one consistent path instead
// of four (ESP-style property simulation). Facts are dropped when a variable
// of their condition is assigned, and when too many states pile up at one
// node (then precision, never soundness of a report, is what is lost: a
// check reports only what some state says).
//
// Solve() runs to a fixpoint with reporting off, then calls the step once
// more per reached state with reporting on, so each finding is made once.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "lint/lint_ir.h"

namespace rmacheck::lint {

struct BranchFact {
  std::string cond;
  std::vector<std::string> vars;
  size_t succ = 0;
  // `var OP constant` conditions are also compared with each other, so that
  // `if (rank == 0) A; if (rank == 1) B;` never runs A and B on one path.
  std::string var, op;
  int64_t constant = 0;
  bool operator<(const BranchFact& o) const { return cond != o.cond ? cond < o.cond : succ < o.succ; }
  bool operator==(const BranchFact& o) const { return cond == o.cond && succ == o.succ; }
};

// `rank == 0`, `(rank < 2)`, `0 == rank` -> var, op, constant (op as if var is on the left);
// `!rank` / `not rank` is `rank == 0`, a plain `flag` is `flag != 0`.
inline bool parse_comparison(const std::string& text, std::string& var, std::string& op, int64_t& c) {
  static const std::regex left(R"(^\s*\(?\s*([A-Za-z_]\w*)\s*(==|!=|<=|>=|<|>)\s*(-?\d+)\s*\)?\s*$)");
  static const std::regex right(R"(^\s*\(?\s*(-?\d+)\s*(==|!=|<=|>=|<|>)\s*([A-Za-z_]\w*)\s*\)?\s*$)");
  static const std::regex negated(R"(^\s*\(?\s*(?:!|not\s)\s*\(?\s*([A-Za-z_]\w*)\s*\)?\s*\)?\s*$)");
  static const std::regex plain(R"(^\s*\(?\s*([A-Za-z_]\w*)\s*\)?\s*$)");
  std::smatch m;
  if (std::regex_match(text, m, negated) || std::regex_match(text, m, plain)) {
    var = m[1];
    if (var == "not" || var == "true" || var == "false" || var == "True" || var == "False") return false;
    op = text.find('!') != std::string::npos || text.find("not") != std::string::npos ? "==" : "!=";
    c = 0;
    return true;
  }
  if (std::regex_match(text, m, left)) {
    var = m[1];
    op = m[2];
    c = std::stoll(m[3]);
    return true;
  }
  if (std::regex_match(text, m, right)) {
    static const std::map<std::string, std::string> flip = {{"==", "=="}, {"!=", "!="}, {"<", ">"},
                                                            {">", "<"},   {"<=", ">="}, {">=", "<="}};
    var = m[3];
    op = flip.at(m[2]);
    c = std::stoll(m[1]);
    return true;
  }
  return false;
}

inline bool holds(const std::string& op, int64_t x, int64_t c, bool taken) {
  bool r = op == "=="   ? x == c
           : op == "!=" ? x != c
           : op == "<"  ? x < c
           : op == "<=" ? x <= c
           : op == ">"  ? x > c
                        : x >= c;
  return r == taken;
}

// Is there a value of f.var (>= 0 for ranks) that satisfies every fact on it and f too?
inline bool feasible(const std::vector<BranchFact>& facts, const BranchFact& f, bool nonnegative) {
  std::vector<const BranchFact*> on{&f};
  for (const BranchFact& g : facts)
    if (!g.var.empty() && g.var == f.var) on.push_back(&g);
  int64_t lo = f.constant, hi = f.constant;
  for (const BranchFact* g : on) {
    lo = std::min(lo, g->constant);
    hi = std::max(hi, g->constant);
  }
  lo = nonnegative ? std::max<int64_t>(0, lo - 1) : lo - 1;
  for (int64_t x = lo; x <= hi + 1; ++x) {
    bool ok = true;
    for (const BranchFact* g : on) ok = ok && holds(g->op, x, g->constant, g->succ == 0);
    if (ok) return true;
  }
  return false;
}

template <class V>
struct PathState {
  V value;
  std::vector<BranchFact> facts;  // sorted
  bool operator<(const PathState& o) const { return value < o.value || (!(o.value < value) && facts < o.facts); }
};

// Drops the facts that mention a variable the node assigns.
inline void kill_facts(const Node& n, std::vector<BranchFact>& facts) {
  if (facts.empty()) return;
  for (const Op& op : n.ops) {
    const std::string* var = nullptr;
    if (op.kind == OpKind::kStore || op.kind == OpKind::kAssign) var = &op.var.base;
    if (op.kind == OpKind::kMpi && !op.result.empty()) var = &op.result.base;
    if (!var) continue;
    facts.erase(std::remove_if(
                    facts.begin(), facts.end(),
                    [&](const BranchFact& f) { return std::find(f.vars.begin(), f.vars.end(), *var) != f.vars.end(); }),
                facts.end());
  }
}

// step(node_id, node, value, report): applies the node's ops to value.
// at_exit(pred_node, value): a state reaching the exit from pred (reporting pass only).
template <class V, class Step, class AtExit>
void solve(const Function& fn, const V& init, Step&& step, AtExit&& at_exit, size_t cap = 48) {
  const size_t n = fn.nodes.size();
  std::vector<std::set<PathState<V>>> in(n);
  std::deque<int> work;
  std::vector<bool> queued(n, false);
  std::set<std::string> ranks;  // variables set by MPI_Comm_rank: never negative
  for (const Node& node : fn.nodes)
    for (const Op& op : node.ops)
      if (op.kind == OpKind::kMpi && op.name == "MPI_Comm_rank") ranks.insert(op.result.base);
  // Parsed once per branch node.
  std::vector<std::optional<BranchFact>> comparison(n);
  for (size_t i = 0; i < n; ++i) {
    const Node& node = fn.nodes[i];
    if (node.kind != NodeKind::kBranch || !node.correlate) continue;
    BranchFact f;
    if (parse_comparison(node.cond_text, f.var, f.op, f.constant)) comparison[i] = f;
  }
  in[kEntryNode].insert({init, {}});
  work.push_back(kEntryNode);
  queued[kEntryNode] = true;
  auto propagate = [&](int from, const PathState<V>& out, bool reporting) {
    const Node& node = fn.nodes[from];
    for (size_t i = 0; i < node.succ.size(); ++i) {
      int to = node.succ[i];
      PathState<V> next = out;
      if (node.kind == NodeKind::kBranch && node.correlate && !node.cond_text.empty()) {
        bool contradicts = false, known = false;
        for (const BranchFact& f : next.facts)
          if (f.cond == node.cond_text) {
            known = true;
            contradicts = f.succ != i;
          }
        if (contradicts) continue;
        if (!known) {
          BranchFact f;
          f.cond = node.cond_text;
          f.vars = node.cond_vars;
          f.succ = i;
          if (comparison[from]) {
            f.var = comparison[from]->var;
            f.op = comparison[from]->op;
            f.constant = comparison[from]->constant;
            if (!feasible(next.facts, f, ranks.count(f.var) > 0)) continue;
          }
          next.facts.push_back(f);
          std::sort(next.facts.begin(), next.facts.end());
        }
      }
      if (reporting) {
        if (to == kExitNode) at_exit(from, next.value);
        continue;
      }
      auto& dest = in[to];
      if (dest.count(next)) continue;
      if (dest.size() >= cap) {
        next.facts.clear();  // too many paths: forget the facts of this one
        if (dest.count(next)) continue;
        if (dest.size() >= 4 * cap) continue;
      }
      dest.insert(next);
      if (!queued[to]) {
        queued[to] = true;
        work.push_back(to);
      }
    }
  };
  // Each state is stepped once: remember which were already pushed on.
  std::vector<std::set<PathState<V>>> done(n);
  while (!work.empty()) {
    int id = work.front();
    work.pop_front();
    queued[id] = false;
    const Node& node = fn.nodes[id];
    if (node.kind == NodeKind::kExit || node.kind == NodeKind::kAbort) continue;
    std::vector<PathState<V>> fresh;
    for (const PathState<V>& s : in[id])
      if (!done[id].count(s)) fresh.push_back(s);
    for (const PathState<V>& s : fresh) {
      done[id].insert(s);
      PathState<V> out = s;
      step(id, node, out.value, false);
      kill_facts(node, out.facts);
      propagate(id, out, false);
    }
  }
  for (size_t id = 0; id < n; ++id) {
    const Node& node = fn.nodes[id];
    if (node.kind == NodeKind::kExit || node.kind == NodeKind::kAbort) continue;
    for (const PathState<V>& s : in[id]) {
      PathState<V> out = s;
      step(static_cast<int>(id), node, out.value, true);
      kill_facts(node, out.facts);
      propagate(static_cast<int>(id), out, true);
    }
  }
}

}  // namespace rmacheck::lint
