// fence-mismatch: a collective synchronization (MPI_Win_fence, MPI_Win_free,
// MPI_Barrier) reached by some ranks only, because a branch on a
// rank-dependent condition leads to different sequences of them. For each
// such branch, the sequences of collective calls from each successor to the
// branch's immediate post-dominator (where the arms meet again; the function's
// exit when an arm returns) are compared: if no sequence is common to all
// arms, some ranks call a collective the others never match. Paths that end
// the program (MPI_Abort, exit) do not count, neither for the sequences nor
// for where the arms meet. Loops are followed once (no back edges), as
// everywhere in lint.
//
// Collectives of a subset of the ranks are left out: on MPI_COMM_SELF, or
// on a communicator this function made by splitting (MPI_Comm_split, ...)
// and on windows created over one, since the branch may well be the one that
// selects the members (`if (color == 0) MPI_Win_fence(0, half_win)`).
#include <functional>

#include "lint/check.h"
#include "lint/lint_calls.h"

namespace rmacheck::lint {

namespace {

struct Token {
  std::string name, handle;
  const Op* op;
  bool operator<(const Token& o) const { return std::tie(name, handle) < std::tie(o.name, o.handle); }
  bool operator==(const Token& o) const { return name == o.name && handle == o.handle; }
};
using Seq = std::vector<Token>;

bool same_seq(const Seq& a, const Seq& b) { return a == b; }

const size_t kMaxSeqs = 64, kMaxLen = 64;

// Immediate post-dominators (Cooper, Harvey, Kennedy) towards the normal exit. Paths into the abort
// sink end the program: they do not keep two arms from meeting (a node from which only aborts are
// reachable has none, -1).
std::vector<int> post_dominators(const Function& fn) {
  const int n = static_cast<int>(fn.nodes.size());
  std::vector<std::vector<int>> rsucc(n);  // reverse graph: successors = predecessors in the CFG
  for (int i = 0; i < n; ++i)
    for (int s : fn.nodes[i].succ) rsucc[s].push_back(i);
  // Postorder of the reverse graph from the exit.
  std::vector<int> order, index(n, -1);
  std::vector<char> seen(n, 0);
  std::vector<std::pair<int, size_t>> stack{{kExitNode, 0}};
  seen[kExitNode] = 1;
  while (!stack.empty()) {
    auto& [v, i] = stack.back();
    if (i < rsucc[v].size()) {
      int w = rsucc[v][i++];
      if (!seen[w]) {
        seen[w] = 1;
        stack.push_back({w, 0});
      }
    } else {
      index[v] = static_cast<int>(order.size());
      order.push_back(v);
      stack.pop_back();
    }
  }
  std::vector<int> idom(n, -1);
  idom[kExitNode] = kExitNode;
  auto intersect = [&](int a, int b) {
    while (a != b) {
      while (index[a] < index[b]) a = idom[a];
      while (index[b] < index[a]) b = idom[b];
    }
    return a;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      int v = *it;
      if (v == kExitNode) continue;
      int best = -1;
      // predecessors in the reverse graph = successors in the CFG
      for (int p : fn.nodes[v].succ) {
        if (index[p] < 0 || idom[p] < 0) continue;
        best = best < 0 ? p : intersect(p, best);
      }
      if (best >= 0 && idom[v] != best) {
        idom[v] = best;
        changed = true;
      }
    }
  }
  return idom;
}

// Windows and communicators of a subset of the ranks (see the top): MPI_COMM_SELF, communicators
// this function splits off, and windows created over either.
std::set<std::string> partial_handles(const Function& fn) {
  std::set<std::string> comms = {"MPI_COMM_SELF", "MPI.COMM_SELF"}, out;
  for (int pass = 0; pass < 2; ++pass)  // two passes: the node order need not be the program order
    for (const Node& n : fn.nodes)
      for (const Op& op : n.ops) {
        if (op.kind != OpKind::kMpi || op.object.empty()) continue;
        const CallInfo* info = find_call(op.name);
        if (!info || info->effect != Effect::kCreate) continue;
        if (info->object_kind == kComm && (op.name != "MPI_Comm_dup" || comms.count(op.comm.key)))
          comms.insert(op.object.key);
        if (info->object_kind == kWindow && comms.count(op.comm.key)) out.insert(op.object.key);
      }
  out.insert(comms.begin(), comms.end());
  return out;
}

class Sequences {
 public:
  Sequences(const Function& fn, int stop, const std::set<std::string>& partial)
      : fn_(fn), stop_(stop), partial_(partial) {}
  // nullopt when there are too many; an empty set when every path aborts.
  std::optional<std::set<Seq>> from(int node, int depth = 0) {
    if (node == stop_ || node == kExitNode) return std::set<Seq>{Seq{}};
    if (node == kAbortNode) return std::set<Seq>{};
    if (depth > 2000) return std::nullopt;
    auto it = memo_.find(node);
    if (it != memo_.end()) return it->second;
    const Node& n = fn_.nodes[node];
    Seq own;
    for (const Op& op : n.ops) {
      if (op.kind != OpKind::kMpi) continue;
      Token t{op.name, "", &op};
      if (op.name == "MPI_Win_fence" || op.name == "MPI_Barrier")
        t.handle = op.name == "MPI_Barrier" ? op.comm.key : op.window.key;
      else if (op.name == "MPI_Win_free")
        t.handle = op.object.key;
      else
        continue;
      if (!partial_.count(t.handle)) own.push_back(t);
    }
    std::optional<std::set<Seq>> out = std::set<Seq>{};
    for (size_t i = 0; i < n.succ.size() && out; ++i) {
      if (n.back[i]) continue;
      auto rest = from(n.succ[i], depth + 1);
      if (!rest) {
        out.reset();
        break;
      }
      for (const Seq& r : *rest) {
        Seq s = own;
        s.insert(s.end(), r.begin(), r.end());
        if (s.size() > kMaxLen || out->size() >= kMaxSeqs) {
          out.reset();
          break;
        }
        out->insert(std::move(s));
      }
    }
    if (out && n.succ.empty() && n.kind != NodeKind::kExit) out->insert(own);
    memo_[node] = out;
    return out;
  }

 private:
  const Function& fn_;
  int stop_;
  const std::set<std::string>& partial_;
  std::map<int, std::optional<std::set<Seq>>> memo_;
};

}  // namespace

void check_collectives(const CheckContext& ctx) {
  const Function& fn = ctx.fn;
  bool any = false;
  for (const Node& n : fn.nodes)
    for (const Op& op : n.ops)
      if (op.kind == OpKind::kMpi &&
          (op.name == "MPI_Win_fence" || op.name == "MPI_Barrier" || op.name == "MPI_Win_free"))
        any = true;
  if (!any) return;
  std::vector<int> ipdom;
  const std::set<std::string> partial = partial_handles(fn);
  for (int b = 0; b < static_cast<int>(fn.nodes.size()); ++b) {
    const Node& n = fn.nodes[b];
    if (n.kind != NodeKind::kBranch || n.succ.size() < 2) continue;
    bool rank_dependent = false;
    for (const std::string& v : n.cond_vars) rank_dependent = rank_dependent || ctx.taint.tainted(fn.name, v);
    if (!rank_dependent) continue;
    if (ipdom.empty()) ipdom = post_dominators(fn);
    int join = ipdom[b] < 0 ? kExitNode : ipdom[b];
    Sequences seqs(fn, join, partial);
    std::vector<std::set<Seq>> arms;
    bool give_up = false;
    for (size_t i = 0; i < n.succ.size(); ++i) {
      if (n.back[i]) continue;
      auto s = seqs.from(n.succ[i]);
      if (!s) {
        give_up = true;
        break;
      }
      if (!s->empty()) arms.push_back(*s);  // an arm that always aborts does not take part
    }
    if (give_up || arms.size() < 2) continue;
    bool common = false;
    for (const Seq& s : arms[0]) {
      bool everywhere = true;
      for (size_t a = 1; a < arms.size() && everywhere; ++a) {
        bool found = false;
        for (const Seq& t : arms[a]) found = found || same_seq(s, t);
        everywhere = found;
      }
      if (everywhere) {
        common = true;
        break;
      }
    }
    if (common) continue;
    // The collective calls in the arms, by place.
    std::map<std::pair<int, int>, const Op*> sites;
    for (const auto& arm : arms)
      for (const Seq& s : arm)
        for (const Token& t : s) sites[{t.op->line, t.op->column}] = t.op;
    if (sites.empty()) continue;
    std::vector<Access> sides;
    std::string names;
    for (const auto& [pos, op] : sites) {
      sides.push_back(ctx.report.side(*op, "reached only by the ranks on one side of the branch"));
      if (names.find(op->name) == std::string::npos) names += (names.empty() ? "" : ", ") + op->name;
    }
    ctx.report.add(kKind_fence_mismatch,
                   "collective " + names + " reached by some ranks only: the branch on the rank-dependent condition '" +
                       n.cond_text + "' at " + at_line(n.line) +
                       " leads to different sequences of collective synchronizations on its sides",
                   sides, "medium", {{"condition", n.cond_text}, {"condition_line", n.line}});
  }
}

}  // namespace rmacheck::lint
