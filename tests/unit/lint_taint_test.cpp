// Rank taint (compute_rank_taint, checks.cpp): which variables of which
// functions depend on the rank, from MPI_Comm_rank / comm.Get_rank() through
// assignments, call arguments into parameters, return values and globals,
// and what it does not spread through (an MPI call's error code, Comm_size).
#include <gtest/gtest.h>

#include "lint/check.h"
#include "lint_source.h"

namespace rmacheck::lint {
namespace {

using testing::lint;
using testing::parse_c;
using testing::parse_py;
using testing::reduce;

const char* kAcrossFunctions = R"(#include <mpi.h>
int g_rank;
static int my_rank(MPI_Comm c) {
  int r;
  MPI_Comm_rank(c, &r);
  return r;
}
static int parity(int x) { return x % 2; }
static void work(MPI_Win w, int who) {
  if (who == 0)
    MPI_Win_fence(0, w);  // @fence
}
static void uses_global(MPI_Win w) {
  if (g_rank > 1) {
    MPI_Win_fence(0, w);  // @gfence
    MPI_Win_fence(0, w);  // @gfence2
  }
}
int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Win win = MPI_WIN_NULL;
  int size, x = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int r = my_rank(MPI_COMM_WORLD);
  int twice = 2 * r, p = parity(r);
  int rc = MPI_Send(&x, 1, MPI_INT, r, 0, MPI_COMM_WORLD);
  for (int i = 0; i < size; i++)
    x += i;
  g_rank = r;
  work(win, twice);
  uses_global(win);
  MPI_Finalize();
  return rc + p;
}
)";

TEST(LintTaint, FlowsThroughReturnsArgumentsAndGlobals) {
  Unit u = parse_c(kAcrossFunctions);
  RankTaint t = compute_rank_taint(u);
  EXPECT_TRUE(t.tainted("my_rank", "r"));
  EXPECT_TRUE(t.returning.count("my_rank"));
  EXPECT_TRUE(t.tainted("main", "r")) << "assigned from my_rank()";
  EXPECT_TRUE(t.tainted("main", "twice"));
  EXPECT_TRUE(t.tainted("parity", "x")) << "argument into parameter";
  EXPECT_TRUE(t.returning.count("parity"));
  EXPECT_TRUE(t.tainted("main", "p")) << "through parity's return";
  EXPECT_TRUE(t.tainted("work", "who"));
  EXPECT_TRUE(t.globals.count("g_rank"));
  EXPECT_TRUE(t.tainted("uses_global", "g_rank"));
  EXPECT_FALSE(t.tainted("main", "size"));
  EXPECT_FALSE(t.tainted("main", "i"));
  EXPECT_FALSE(t.tainted("main", "rc")) << "an MPI call's error code does not depend on its arguments";
  EXPECT_FALSE(t.tainted("work", "w"));
}

TEST(LintTaint, RankDependentParametersAndGlobalsMakeFenceMismatches) {
  EXPECT_EQ(reduce(lint(parse_c(kAcrossFunctions)), kAcrossFunctions),
            (std::vector<std::string>{"fence-mismatch at=fence", "fence-mismatch at=gfence,gfence2"}));
}

TEST(LintTaint, Python) {
  const std::string src = R"(from mpi4py import MPI
comm = MPI.COMM_WORLD
win = MPI.Win.Allocate(8, comm=comm)

def step(k, w):
    if k == 0:
        w.Fence()  # @fence

me = comm.Get_rank()
n = comm.Get_size()
step(me + 1, win)
step(n, win)
win.Free()
)";
  Unit u = parse_py(src);
  RankTaint t = compute_rank_taint(u);
  EXPECT_TRUE(t.tainted("<module>", "me"));
  EXPECT_FALSE(t.tainted("<module>", "n"));
  EXPECT_TRUE(t.tainted("step", "k"));
  EXPECT_EQ(reduce(lint(u), src), (std::vector<std::string>{"fence-mismatch at=fence"}));
}

}  // namespace
}  // namespace rmacheck::lint
