// IR and CFG building (lint_ir.h): what the libclang frontend
// (clang_frontend.cpp) and the mpi4py frontend (mpi4py_lint.py) make of small
// sources: the node shapes of if/else, loops (the body runs at least once),
// return, goto, switch and calls that end the program; MPI calls by role;
// loads, stores, escapes and writes through pointers; the error arms of
// `if (MPI_X(...) != MPI_SUCCESS)`; which conditions are correlated.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "lint_source.h"

namespace rmacheck::lint {
namespace {

using testing::function;
using testing::marker_line;
using testing::parse_c;
using testing::parse_py;

std::vector<const Op*> ops(const Function& fn, OpKind kind, const std::string& name = "") {
  std::vector<const Op*> out;
  for (const Node& n : fn.nodes)
    for (const Op& op : n.ops)
      if (op.kind == kind && (name.empty() || op.name == name)) out.push_back(&op);
  return out;
}

const Op& only(const Function& fn, OpKind kind, const std::string& name = "") {
  auto v = ops(fn, kind, name);
  EXPECT_EQ(v.size(), 1u) << name;
  static const Op none;
  return v.empty() ? none : *v[0];
}

int node_of(const Function& fn, const std::string& mpi_name) {
  for (size_t i = 0; i < fn.nodes.size(); ++i)
    for (const Op& op : fn.nodes[i].ops)
      if (op.kind == OpKind::kMpi && op.name == mpi_name) return static_cast<int>(i);
  return -1;
}

// Can `to` be reached from `from` without passing `avoid`?
bool reaches(const Function& fn, int from, int to, int avoid = -1) {
  std::vector<bool> seen(fn.nodes.size(), false);
  std::function<bool(int)> go = [&](int n) {
    if (n == avoid || seen[n]) return false;
    if (n == to) return true;
    seen[n] = true;
    for (int s : fn.nodes[n].succ)
      if (go(s)) return true;
    return false;
  };
  return go(from);
}

std::vector<int> branches(const Function& fn) {
  std::vector<int> out;
  for (size_t i = 0; i < fn.nodes.size(); ++i)
    if (fn.nodes[i].kind == NodeKind::kBranch) out.push_back(static_cast<int>(i));
  return out;
}

TEST(LintCfg, EntryExitAbortAndStraightLine) {
  Unit u = parse_c(R"(#include <mpi.h>
int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
})");
  ASSERT_EQ(u.functions.size(), 1u);
  const Function& fn = u.functions[0];
  EXPECT_TRUE(fn.is_main);
  EXPECT_FALSE(fn.end_finalizes);
  ASSERT_GE(fn.nodes.size(), 3u);
  EXPECT_EQ(fn.nodes[kEntryNode].kind, NodeKind::kEntry);
  EXPECT_EQ(fn.nodes[kExitNode].kind, NodeKind::kExit);
  EXPECT_EQ(fn.nodes[kAbortNode].kind, NodeKind::kAbort);
  int barrier = node_of(fn, "MPI_Barrier"), fin = node_of(fn, "MPI_Finalize");
  ASSERT_GE(barrier, 0);
  ASSERT_GE(fin, 0);
  EXPECT_TRUE(reaches(fn, kEntryNode, barrier));
  EXPECT_TRUE(reaches(fn, barrier, fin));
  EXPECT_FALSE(reaches(fn, kEntryNode, kExitNode, fin)) << "every path to the exit passes MPI_Finalize";
  EXPECT_FALSE(reaches(fn, kEntryNode, kAbortNode));
  EXPECT_TRUE(branches(fn).empty());
  // MPI_Init is not in the call table: not an op (only what the checks need is lowered).
  EXPECT_TRUE(ops(fn, OpKind::kMpi, "MPI_Init").empty());
}

TEST(LintCfg, IfElseHasOneBranchWhoseArmsJoin) {
  Unit u = parse_c(R"(#include <mpi.h>
void f(int x, MPI_Win w) {
  if (x > 1)
    MPI_Barrier(MPI_COMM_WORLD);
  else
    MPI_Win_fence(0, w);
  MPI_Win_free(&w);
})");
  const Function& fn = function(u, "f");
  EXPECT_EQ(fn.params, (std::vector<std::string>{"x", "w"}));
  auto b = branches(fn);
  ASSERT_EQ(b.size(), 1u);
  const Node& br = fn.nodes[b[0]];
  EXPECT_EQ(br.cond_text, "x>1");
  EXPECT_EQ(br.cond_vars, (std::vector<std::string>{"x"}));
  EXPECT_TRUE(br.correlate);
  ASSERT_EQ(br.succ.size(), 2u);
  int barrier = node_of(fn, "MPI_Barrier"), fence = node_of(fn, "MPI_Win_fence"), free_ = node_of(fn, "MPI_Win_free");
  EXPECT_TRUE(reaches(fn, br.succ[0], barrier));  // the true successor first
  EXPECT_FALSE(reaches(fn, br.succ[0], fence));
  EXPECT_TRUE(reaches(fn, br.succ[1], fence));
  EXPECT_TRUE(reaches(fn, barrier, free_));
  EXPECT_TRUE(reaches(fn, fence, free_));
}

TEST(LintCfg, LoopBodiesRunAtLeastOnce) {
  Unit u = parse_c(R"(#include <mpi.h>
void f(int n, MPI_Comm c) {
  for (int i = 0; i < n; i++)
    MPI_Barrier(c);
  while (n > 3) {
    MPI_Win_fence(0, MPI_WIN_NULL);
    n--;
  }
  while (0)
    MPI_Finalize();
})");
  const Function& fn = function(u, "f");
  int barrier = node_of(fn, "MPI_Barrier"), fence = node_of(fn, "MPI_Win_fence");
  ASSERT_GE(barrier, 0);
  ASSERT_GE(fence, 0);
  EXPECT_FALSE(reaches(fn, kEntryNode, kExitNode, barrier)) << "no path skips the for body";
  EXPECT_FALSE(reaches(fn, kEntryNode, kExitNode, fence)) << "no path skips the while body";
  // Each loop has one branch at its end, with a back edge to the body.
  int back_edges = 0;
  for (const Node& n : fn.nodes)
    for (size_t i = 0; i < n.succ.size(); ++i)
      if (n.back[i]) {
        ++back_edges;
        EXPECT_EQ(n.kind, NodeKind::kBranch);
        EXPECT_FALSE(n.correlate) << "a loop condition is not an if";
      }
  EXPECT_EQ(back_edges, 2);
  EXPECT_EQ(node_of(fn, "MPI_Finalize"), -1) << "while (0) has no body";
}

TEST(LintCfg, DoWhileZeroRunsOnce) {
  // The CHECK(...) macro idiom: the code after it is reached, and its body is not a loop.
  Unit u = parse_c(R"(#include <mpi.h>
#define CHECK(x) do { int rc_ = (x); if (rc_ != MPI_SUCCESS) MPI_Abort(MPI_COMM_WORLD, rc_); } while (0)
void f(double *b, MPI_Request *r) {
  CHECK(MPI_Send_init(b, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, r));
  MPI_Finalize();
})");
  const Function& fn = function(u, "f");
  int fin = node_of(fn, "MPI_Finalize");
  ASSERT_GE(fin, 0);
  EXPECT_TRUE(reaches(fn, kEntryNode, fin));
  EXPECT_TRUE(reaches(fn, fin, kExitNode));
  for (const Node& n : fn.nodes)
    for (bool back : n.back) EXPECT_FALSE(back) << "do { } while (0) has no back edge";
}

TEST(LintCfg, ReturnsGotosAndCallsThatEndTheProgram) {
  Unit u = parse_c(R"(#include <mpi.h>
#include <stdlib.h>
int f(int e, MPI_Comm c) {
  if (e == 1)
    goto fail;
  if (e == 2)
    MPI_Abort(c, 1);
  if (e == 3)
    exit(3);
  MPI_Barrier(c);
  return 0;
fail:
  MPI_Win_fence(0, MPI_WIN_NULL);
  return 1;
})");
  const Function& fn = function(u, "f");
  int barrier = node_of(fn, "MPI_Barrier"), fence = node_of(fn, "MPI_Win_fence");
  EXPECT_TRUE(reaches(fn, kEntryNode, fence));
  EXPECT_TRUE(reaches(fn, fence, kExitNode));
  EXPECT_FALSE(reaches(fn, barrier, fence)) << "the label is reached by the goto only";
  EXPECT_TRUE(reaches(fn, kEntryNode, kAbortNode)) << "MPI_Abort and exit end the program";
  int returns = 0;
  for (const Node& n : fn.nodes)
    if (n.returns) {
      ++returns;
      EXPECT_EQ(n.succ, std::vector<int>{kExitNode});
    }
  EXPECT_EQ(returns, 2);
  // `return 0` assigns the function's result "()f".
  bool result = false;
  for (const Op* op : ops(fn, OpKind::kAssign)) result = result || op->var.key == "()f";
  EXPECT_TRUE(result);
}

TEST(LintCfg, SwitchReachesEveryCaseAndSkipsWithoutDefault) {
  Unit u = parse_c(R"(#include <mpi.h>
void f(int r, MPI_Comm c) {
  switch (r) {
    case 0:
      MPI_Barrier(c);
      break;
    case 1:
      MPI_Win_fence(0, MPI_WIN_NULL);
  }
  MPI_Finalize();
})");
  const Function& fn = function(u, "f");
  int barrier = node_of(fn, "MPI_Barrier"), fence = node_of(fn, "MPI_Win_fence"), fin = node_of(fn, "MPI_Finalize");
  EXPECT_TRUE(reaches(fn, kEntryNode, barrier));
  EXPECT_TRUE(reaches(fn, kEntryNode, fence));
  EXPECT_TRUE(reaches(fn, barrier, fin));
  EXPECT_FALSE(reaches(fn, barrier, fence)) << "break leaves the switch";
  EXPECT_TRUE(reaches(fn, kEntryNode, fin, barrier) && reaches(fn, kEntryNode, fin, fence))
      << "no default: a path around every case";
}

TEST(LintIr, MpiCallOperandsByRole) {
  Unit u = parse_c(R"(#include <mpi.h>
void f(MPI_Win win, MPI_Comm c, int last) {
  int buf[8], *base;
  MPI_Request reqs[2];
  MPI_Datatype t;
  MPI_Put(&buf[2], 3, MPI_INT, 1, 4, 3, MPI_INT, win);
  MPI_Get(buf, 1, t, 2, 0, 1, MPI_INT, win);
  MPI_Send_init(buf, 8, MPI_INT, 1, 0, c, &reqs[1]);
  MPI_Startall(2, reqs);
  MPI_Win_allocate(64, 4, MPI_INFO_NULL, c, &base, &win);
  MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
  MPI_Win_lock(MPI_LOCK_SHARED, last, 0, win);
  MPI_Win_fence(last ? MPI_MODE_NOSUCCEED : 0, win);
})");
  const Function& fn = function(u, "f");
  const Op& put = only(fn, OpKind::kMpi, "MPI_Put");
  EXPECT_EQ(put.origin.key, "buf[2]");
  EXPECT_EQ(put.origin.base, "buf");
  EXPECT_EQ(put.origin.index, 2);
  EXPECT_EQ(put.window.key, "win");
  EXPECT_FALSE(put.window.local) << "a parameter";
  EXPECT_EQ(put.target.constant, 1);
  EXPECT_EQ(put.disp.constant, 4);
  EXPECT_EQ(put.count.constant, 3);
  EXPECT_TRUE(put.basic_type);
  EXPECT_EQ(put.target_count.constant, 3);
  EXPECT_TRUE(put.target_basic_type);
  const Op& get = only(fn, OpKind::kMpi, "MPI_Get");
  EXPECT_EQ(get.result.key, "buf");
  EXPECT_EQ(get.result.index, 0);
  EXPECT_FALSE(get.basic_type) << "a datatype variable";
  EXPECT_TRUE(get.target_basic_type);
  const Op& init = only(fn, OpKind::kMpi, "MPI_Send_init");
  EXPECT_EQ(init.request.key, "reqs[1]");
  EXPECT_EQ(init.request.base, "reqs");
  EXPECT_EQ(init.request.index, 1);
  EXPECT_TRUE(init.request.local);
  EXPECT_EQ(init.comm.key, "c");
  const Op& startall = only(fn, OpKind::kMpi, "MPI_Startall");
  EXPECT_TRUE(startall.request.whole);
  EXPECT_EQ(startall.request.base, "reqs");
  const Op& alloc = only(fn, OpKind::kMpi, "MPI_Win_allocate");
  EXPECT_EQ(alloc.object.key, "win");
  EXPECT_EQ(alloc.memory.base, "base");
  auto fences = ops(fn, OpKind::kMpi, "MPI_Win_fence");
  ASSERT_EQ(fences.size(), 2u);
  EXPECT_TRUE(fences[0]->nosucceed);
  EXPECT_FALSE(fences[1]->nosucceed) << "only a certain NOSUCCEED";
  const Op& lock = only(fn, OpKind::kMpi, "MPI_Win_lock");
  EXPECT_FALSE(lock.target.constant.has_value());
  EXPECT_EQ(lock.target.text, "last");
}

TEST(LintIr, LoadsStoresEscapesAndWritesThroughPointers) {
  Unit u = parse_c(R"(#include <mpi.h>
void helper(MPI_Win w, int *flag);
void f(MPI_Win win, MPI_Request r, int i) {
  double buf[4], x = 1;
  int flag = 0;
  buf[3] = x;        // @store
  x = buf[i];        // @load
  helper(win, &flag);  // @call
  MPI_Test(&r, &flag, MPI_STATUS_IGNORE);  // @test
})");
  const Function& fn = function(u, "f");
  bool store3 = false, load_elem = false;
  for (const Op* op : ops(fn, OpKind::kStore))
    if (op->var.key == "buf" && op->var.index == 3) store3 = true;
  for (const Op* op : ops(fn, OpKind::kLoad))
    if (op->var.key == "buf" && op->var.element && !op->var.index) load_elem = true;
  EXPECT_TRUE(store3);
  EXPECT_TRUE(load_elem);
  const Op& call = only(fn, OpKind::kCall, "helper");
  ASSERT_EQ(call.args.size(), 2u);
  EXPECT_EQ(call.args[0], std::vector<std::string>{"win"});
  EXPECT_EQ(call.args[1], std::vector<std::string>{"flag"});
  bool escaped = false;
  for (const Op* op : ops(fn, OpKind::kEscape)) escaped = escaped || op->var.base == "win";
  EXPECT_TRUE(escaped) << "a window passed to a user function escapes";
  // &flag given to helper and to MPI_Test: written there (an assignment with no reads), as by `flag = 0`.
  int writes = 0;
  for (const Op* op : ops(fn, OpKind::kAssign))
    if (op->var.base == "flag" && op->reads.empty()) ++writes;
  EXPECT_EQ(writes, 3);
}

TEST(LintIr, ErrorArmsSayTheCallFailed) {
  Unit u = parse_c(R"(#include <mpi.h>
int f(MPI_Comm c, double *buf) {
  MPI_Request r;
  MPI_Win w;
  if (MPI_Send_init(buf, 1, MPI_DOUBLE, 1, 0, c, &r) != MPI_SUCCESS)
    return 1;
  int rc = MPI_Win_create(buf, 8, 8, MPI_INFO_NULL, c, &w);
  if (rc)
    return 2;
  if (MPI_Comm_dup(c, &c) == MPI_SUCCESS)
    MPI_Barrier(c);
  return 0;
})");
  const Function& fn = function(u, "f");
  auto failed = ops(fn, OpKind::kFailed);
  ASSERT_EQ(failed.size(), 3u);
  std::set<std::string> names;
  for (const Op* op : failed) names.insert(op->name);
  EXPECT_EQ(names, (std::set<std::string>{"MPI_Send_init", "MPI_Win_create", "MPI_Comm_dup"}));
  // Each sits at the start of the error arm: the send_init's is followed by `return 1`.
  for (const Node& n : fn.nodes) {
    for (const Op& op : n.ops) {
      if (op.kind != OpKind::kFailed) continue;
      if (op.name == "MPI_Send_init") {
        EXPECT_EQ(op.request.key, "r");
        EXPECT_FALSE(reaches(fn, static_cast<int>(&n - &fn.nodes[0]), node_of(fn, "MPI_Win_create")));
      }
      if (op.name == "MPI_Win_create") EXPECT_EQ(op.object.key, "w");
      if (op.name == "MPI_Comm_dup") {  // `== MPI_SUCCESS`: the way around the then-arm
        EXPECT_FALSE(reaches(fn, static_cast<int>(&n - &fn.nodes[0]), node_of(fn, "MPI_Barrier")));
      }
    }
  }
}

TEST(LintIr, OnlyStableConditionsAreCorrelated) {
  Unit u = parse_c(R"(#include <mpi.h>
#include <stdlib.h>
int is_root(int r);
void f(MPI_Request *r, int rank, int right, MPI_Comm c, double *b) {
  int flag;
  if (MPI_Test(r, &flag, MPI_STATUS_IGNORE)) {}
  if (rand() % 2) {}
  if (is_root(rank)) {}
  if (MPI_Send(b, 1, MPI_DOUBLE, right, 0, c) != MPI_SUCCESS) {}
})");
  const Function& fn = function(u, "f");
  auto b = branches(fn);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_FALSE(fn.nodes[b[0]].correlate) << fn.nodes[b[0]].cond_text;
  EXPECT_FALSE(fn.nodes[b[1]].correlate) << fn.nodes[b[1]].cond_text;
  EXPECT_TRUE(fn.nodes[b[2]].correlate) << fn.nodes[b[2]].cond_text;
  EXPECT_EQ(fn.nodes[b[2]].cond_vars, (std::vector<std::string>{"()is_root", "rank"}));
  // An MPI call's value is its error code: its arguments are not what the condition depends on.
  EXPECT_TRUE(fn.nodes[b[3]].cond_vars.empty());
}

TEST(LintIr, MarkersNameLines) {
  const std::string src = "int a;\nint b; // @here\n";
  EXPECT_EQ(marker_line(src, "here"), 2);
}

TEST(LintPython, ModuleTopLevelIsMainAndFinalizesAtItsEnd) {
  Unit u = parse_py(R"(from mpi4py import MPI
import array
comm = MPI.COMM_WORLD
rank = comm.Get_rank()
buf = array.array("i", [0] * 4)
win = MPI.Win.Create(buf, comm=comm)
self_win = MPI.Win.Allocate(8)
win.Fence()
win.Put(buf, 1, 2)
win.Fence()
if rank == 0:
    raise SystemExit(1)
for i in range(3):
    comm.Barrier()
win.Free()
)");
  EXPECT_EQ(u.language, "python");
  const Function& fn = function(u, "<module>");
  EXPECT_TRUE(fn.is_main);
  EXPECT_TRUE(fn.end_finalizes);
  const Op& create = only(fn, OpKind::kMpi, "MPI_Win_create");
  EXPECT_EQ(create.object.key, "win");
  EXPECT_EQ(create.memory.key, "buf");
  EXPECT_EQ(create.comm.key, "comm");
  EXPECT_EQ(only(fn, OpKind::kMpi, "MPI_Win_allocate").comm.key, "MPI.COMM_SELF") << "mpi4py's default comm";
  const Op& put = only(fn, OpKind::kMpi, "MPI_Put");
  EXPECT_EQ(put.window.key, "win");
  EXPECT_EQ(put.origin.key, "buf");
  EXPECT_EQ(put.target.constant, 1);
  EXPECT_EQ(put.disp.constant, 2);
  EXPECT_TRUE(put.basic_type);
  EXPECT_EQ(only(fn, OpKind::kMpi, "MPI_Comm_rank").result.key, "rank");
  auto b = branches(fn);
  ASSERT_GE(b.size(), 2u);
  EXPECT_EQ(fn.nodes[b[0]].cond_text, "rank == 0");
  EXPECT_TRUE(fn.nodes[b[0]].correlate);
  EXPECT_TRUE(reaches(fn, kEntryNode, kAbortNode)) << "raise ends the program";
  int barrier = node_of(fn, "MPI_Barrier");
  EXPECT_FALSE(reaches(fn, kEntryNode, kExitNode, barrier)) << "the for body runs at least once";
}

TEST(LintPython, OnlyStableConditionsAreCorrelated) {
  Unit u = parse_py(R"(from mpi4py import MPI
import random
comm = MPI.COMM_WORLD
rank = comm.Get_rank()
req = comm.Irecv(bytearray(8), 0)
if req.Test():
    pass
if random.random() < 0.5:
    pass
if rank % 2 == 0:
    pass
req.Wait()
)");
  const Function& fn = function(u, "<module>");
  auto b = branches(fn);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_FALSE(fn.nodes[b[0]].correlate) << fn.nodes[b[0]].cond_text;
  EXPECT_FALSE(fn.nodes[b[1]].correlate) << fn.nodes[b[1]].cond_text;
  EXPECT_TRUE(fn.nodes[b[2]].correlate) << fn.nodes[b[2]].cond_text;
}

TEST(LintPython, RequestListsAndFunctions) {
  Unit u = parse_py(R"(from mpi4py import MPI
def ring(comm, buf, right):
    reqs = [comm.Send_init(buf, right), comm.Recv_init(buf, right)]
    MPI.Prequest.Startall(reqs)
    MPI.Request.Waitall(reqs)
    for r in reqs:
        r.Free()
    return reqs
ring(MPI.COMM_WORLD, bytearray(8), 1)
)");
  const Function& fn = function(u, "ring");
  EXPECT_FALSE(fn.is_main);
  EXPECT_EQ(fn.params, (std::vector<std::string>{"comm", "buf", "right"}));
  EXPECT_EQ(only(fn, OpKind::kMpi, "MPI_Startall").request.whole, true);
  EXPECT_EQ(only(fn, OpKind::kMpi, "MPI_Waitall").request.base, "reqs");
  EXPECT_EQ(ops(fn, OpKind::kMpi, "MPI_Send_init").size(), 1u);
  const Function& top = function(u, "<module>");
  EXPECT_EQ(only(top, OpKind::kCall, "ring").args.size(), 3u);
}

}  // namespace
}  // namespace rmacheck::lint
