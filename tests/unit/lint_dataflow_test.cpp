// The path-set dataflow (dataflow.h) on hand-built graphs: branch facts keep
// a repeated `if` on an unchanged condition on one side, are dropped when a
// variable of the condition is assigned, keep `rank == 0` / `rank == 1` /
// `rank < 2` comparisons consistent (ranks are never negative), and loops
// (lowered as "the body runs at least once") reach the exit only through
// their body. The value is a bit set of the calls ("A" = 1, "B" = 2, ...) on
// the path, so the test sees exactly which combinations reach the exit.
#include <gtest/gtest.h>

#include <set>

#include "lint/dataflow.h"
#include "lint_source.h"

namespace rmacheck::lint {
namespace {

// A function under construction: nodes after the entry, exit and abort.
struct Graph {
  Function fn;
  Graph() {
    fn.name = "g";
    fn.nodes.resize(3);
    fn.nodes[kEntryNode].kind = NodeKind::kEntry;
    fn.nodes[kExitNode].kind = NodeKind::kExit;
    fn.nodes[kAbortNode].kind = NodeKind::kAbort;
  }
  int node(std::vector<Op> ops = {}) {
    Node n;
    n.ops = std::move(ops);
    fn.nodes.push_back(n);
    return static_cast<int>(fn.nodes.size() - 1);
  }
  int branch(const std::string& cond, std::vector<std::string> vars, bool correlate = true) {
    int b = node();
    Node& n = fn.nodes[b];
    n.kind = NodeKind::kBranch;
    n.cond_text = cond;
    n.cond_vars = std::move(vars);
    n.correlate = correlate;
    return b;
  }
  void edge(int from, int to, bool back = false) {
    fn.nodes[from].succ.push_back(to);
    fn.nodes[from].back.push_back(back);
  }
  // `if (cond) call();` from `at`; returns the join.
  int if_call(int at, const std::string& cond, std::vector<std::string> vars, const std::string& call) {
    int b = branch(cond, std::move(vars));
    edge(at, b);
    int then = node({user_call(call)});
    int join = node();
    edge(b, then);
    edge(b, join);
    edge(then, join);
    return join;
  }
  static Op user_call(const std::string& name) {
    Op op;
    op.kind = OpKind::kCall;
    op.name = name;
    return op;
  }
  static Op assign(const std::string& var) {
    Op op;
    op.kind = OpKind::kAssign;
    op.var.key = op.var.base = var;
    return op;
  }
  static Op comm_rank(const std::string& var) {
    Op op;
    op.kind = OpKind::kMpi;
    op.name = "MPI_Comm_rank";
    op.result.key = op.result.base = var;
    return op;
  }
};

// The bit sets that reach the exit.
std::set<int> at_exit(const Function& fn, size_t cap = 48) {
  std::set<int> out;
  auto step = [](int, const Node& n, int& v, bool) {
    for (const Op& op : n.ops)
      if (op.kind == OpKind::kCall) v |= 1 << (op.name[0] - 'A');
  };
  solve(
      fn, 0, step, [&](int, const int& v) { out.insert(v); }, cap);
  return out;
}

TEST(LintDataflow, RepeatedIfOnUnchangedConditionGoesTheSameWay) {
  Graph g;
  int j = g.if_call(kEntryNode, "c", {"c"}, "A");
  j = g.if_call(j, "c", {"c"}, "B");
  g.edge(j, kExitNode);
  EXPECT_EQ(at_exit(g.fn), (std::set<int>{0, 1 | 2}));
}

TEST(LintDataflow, AssigningTheConditionForgetsTheFact) {
  Graph g;
  int j = g.if_call(kEntryNode, "c", {"c"}, "A");
  int set = g.node({Graph::assign("c")});
  g.edge(j, set);
  j = g.if_call(set, "c", {"c"}, "B");
  g.edge(j, kExitNode);
  EXPECT_EQ(at_exit(g.fn), (std::set<int>{0, 1, 2, 3}));
}

TEST(LintDataflow, UncorrelatedBranchesAreIndependent) {
  Graph g;
  int b1 = g.branch("MPI_Test(&r,&f,s)", {}, false);
  g.edge(kEntryNode, b1);
  int a = g.node({Graph::user_call("A")}), j1 = g.node();
  g.edge(b1, a);
  g.edge(b1, j1);
  g.edge(a, j1);
  int b2 = g.branch("MPI_Test(&r,&f,s)", {}, false);
  g.edge(j1, b2);
  int b = g.node({Graph::user_call("B")}), j2 = g.node();
  g.edge(b2, b);
  g.edge(b2, j2);
  g.edge(b, j2);
  g.edge(j2, kExitNode);
  EXPECT_EQ(at_exit(g.fn), (std::set<int>{0, 1, 2, 3}));
}

TEST(LintDataflow, RankEqualityComparisonsExcludeEachOther) {
  Graph g;
  int r = g.node({Graph::comm_rank("rank")});
  g.edge(kEntryNode, r);
  int j = g.if_call(r, "rank==0", {"rank"}, "A");
  j = g.if_call(j, "rank==1", {"rank"}, "B");
  j = g.if_call(j, "(rank==0)", {"rank"}, "C");
  g.edge(j, kExitNode);
  // A and C are the same test written twice; B excludes both.
  EXPECT_EQ(at_exit(g.fn), (std::set<int>{0, 1 | 4, 2}));
}

TEST(LintDataflow, RankRangesAreConsistent) {
  Graph g;
  int r = g.node({Graph::comm_rank("rank")});
  g.edge(kEntryNode, r);
  int j = g.if_call(r, "rank<2", {"rank"}, "A");
  j = g.if_call(j, "rank==3", {"rank"}, "B");
  j = g.if_call(j, "1==rank", {"rank"}, "C");
  g.edge(j, kExitNode);
  // rank 3: B only; rank 1: A and C; rank 0: A; another rank >= 2: nothing.
  EXPECT_EQ(at_exit(g.fn), (std::set<int>{0, 1, 1 | 4, 2}));
}

TEST(LintDataflow, NegationIsAComparisonWithZero) {
  Graph g;
  int r = g.node({Graph::comm_rank("rank")});
  g.edge(kEntryNode, r);
  int j = g.if_call(r, "!rank", {"rank"}, "A");
  j = g.if_call(j, "rank==0", {"rank"}, "B");
  j = g.if_call(j, "rank", {"rank"}, "C");
  g.edge(j, kExitNode);
  EXPECT_EQ(at_exit(g.fn), (std::set<int>{1 | 2, 4}));
}

TEST(LintDataflow, RanksAreNeverNegativeOtherVariablesMayBe) {
  for (bool is_rank : {true, false}) {
    Graph g;
    int r = g.node({is_rank ? Graph::comm_rank("v") : Graph::assign("v")});
    g.edge(kEntryNode, r);
    int j = g.if_call(r, "v<1", {"v"}, "A");
    j = g.if_call(j, "v!=0", {"v"}, "B");
    g.edge(j, kExitNode);
    // v < 1 and v != 0 needs v < 0: impossible for a rank.
    if (is_rank)
      EXPECT_EQ(at_exit(g.fn), (std::set<int>{1, 2}));
    else
      EXPECT_EQ(at_exit(g.fn), (std::set<int>{1, 2, 3}));
  }
}

TEST(LintDataflow, ComparisonsParse) {
  std::string var, op;
  int64_t c = 0;
  ASSERT_TRUE(parse_comparison("rank == 0", var, op, c));
  EXPECT_EQ(var, "rank");
  EXPECT_EQ(op, "==");
  EXPECT_EQ(c, 0);
  ASSERT_TRUE(parse_comparison("(rank<2)", var, op, c));
  EXPECT_EQ(op, "<");
  EXPECT_EQ(c, 2);
  ASSERT_TRUE(parse_comparison("3 > r", var, op, c));
  EXPECT_EQ(var, "r");
  EXPECT_EQ(op, "<") << "3 > r is r < 3";
  EXPECT_EQ(c, 3);
  ASSERT_TRUE(parse_comparison("x != -1", var, op, c));
  EXPECT_EQ(c, -1);
  ASSERT_TRUE(parse_comparison("!rank", var, op, c));
  EXPECT_EQ(var, "rank");
  EXPECT_EQ(op, "==");
  EXPECT_EQ(c, 0);
  ASSERT_TRUE(parse_comparison("not rank", var, op, c));
  EXPECT_EQ(op, "==");
  ASSERT_TRUE(parse_comparison("(flag)", var, op, c));
  EXPECT_EQ(var, "flag");
  EXPECT_EQ(op, "!=");
  EXPECT_EQ(c, 0);
  EXPECT_FALSE(parse_comparison("rank + 1 == 2", var, op, c));
  EXPECT_FALSE(parse_comparison("rank == size", var, op, c));
}

TEST(LintDataflow, LoopsReachTheExitOnlyThroughTheirBody) {
  // head -> body(A) -> latch branch: back to the body, or on to the exit.
  Graph g;
  int body = g.node({Graph::user_call("A")});
  g.edge(kEntryNode, body);
  int latch = g.branch("i<n", {"i", "n"}, false);
  g.edge(body, latch);
  g.edge(latch, body, true);
  int after = g.node({Graph::user_call("B")});
  g.edge(latch, after);
  g.edge(after, kExitNode);
  EXPECT_EQ(at_exit(g.fn), (std::set<int>{1 | 2}));
}

TEST(LintDataflow, LoopsFromTheFrontendRunAtLeastOnce) {
  // The same through the C frontend: a request freed in a loop is freed on every path.
  Unit u = testing::parse_c(R"(#include <mpi.h>
void f(int n, double *b, MPI_Comm c) {
  MPI_Request r[4];
  for (int i = 0; i < n; i++)
    MPI_Send_init(&b[i], 1, MPI_DOUBLE, 1, 0, c, &r[i]);
  for (int i = 0; i < n; i++)
    MPI_Request_free(&r[i]);
})");
  EXPECT_TRUE(testing::lint(u).empty());
}

TEST(LintDataflow, ManyPathsStayBounded) {
  // 40 independent conditions: 2^40 paths; the cap forgets facts instead of following them all.
  Graph g;
  int at = kEntryNode;
  for (int i = 0; i < 40; ++i) {
    std::string c = "c" + std::to_string(i);
    at = g.if_call(at, c, {c}, i % 2 ? "A" : "B");
  }
  g.edge(at, kExitNode);
  EXPECT_EQ(at_exit(g.fn, 16), (std::set<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace rmacheck::lint
