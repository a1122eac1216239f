// Every lint check (request_check, resource_check, epoch_check,
// collective_check, buffer_check) on small C and mpi4py sources: the bug it
// is for, the fixed program, and the correct patterns that once gave false
// alarms (error arms, helpers that take the window, loops over request
// arrays, derived datatypes, windows of a subset of the ranks). Findings are
// compared as "kind at=MARKER,..." (lint_source.h), all of them: missing and
// extra both fail.
#include <gtest/gtest.h>

#include "lint_source.h"

namespace rmacheck::lint {
namespace {

using Expect = std::vector<std::string>;

Expect c(const std::string& body) {
  std::string src = "#include <mpi.h>\n#include <stdlib.h>\n" + body;
  return testing::reduce(testing::lint_c(src), src);
}

Expect py(const std::string& body) {
  std::string src = "from mpi4py import MPI\nimport array\ncomm = MPI.COMM_WORLD\nrank = comm.Get_rank()\n" + body;
  return testing::reduce(testing::lint_py(src), src);
}

const Expect kNone;

// ---- requests ----

TEST(LintRequests, PersistentRequestNeverFreedLeaks) {
  const char* body = R"(int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  double b[4];
  MPI_Request r;
  MPI_Send_init(b, 4, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD, &r);  // @init
  MPI_Start(&r);
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  %FREE%
  MPI_Finalize();
  return 0;
})";
  std::string bug = body, fixed = body;
  bug.replace(bug.find("%FREE%"), 6, "");
  fixed.replace(fixed.find("%FREE%"), 6, "MPI_Request_free(&r);");
  EXPECT_EQ(c(bug), (Expect{"request-leak at=init"}));
  EXPECT_EQ(c(fixed), kNone);
}

TEST(LintRequests, LeakBehindACheckMacro) {
  EXPECT_EQ(
      c(R"(#define CHECK(x) do { int rc_ = (x); if (rc_ != MPI_SUCCESS) MPI_Abort(MPI_COMM_WORLD, rc_); } while (0)
int main(int argc, char **argv) {
  CHECK(MPI_Init(&argc, &argv));
  MPI_Request r;
  double b = 0;
  CHECK(MPI_Send_init(&b, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &r));  // @init
  MPI_Finalize();
  return 0;
})"),
      (Expect{"request-leak at=init"}));
}

TEST(LintRequests, SecondInitOverwritesALiveRequest) {
  EXPECT_EQ(c(R"(void f(double *b, MPI_Comm comm) {
  MPI_Request r;
  MPI_Recv_init(b, 1, MPI_DOUBLE, 0, 0, comm, &r);  // @first
  MPI_Recv_init(b, 1, MPI_DOUBLE, 1, 0, comm, &r);  // @second
  MPI_Request_free(&r);
})"),
            (Expect{"request-leak at=first,second"}));
  EXPECT_EQ(c(R"(void f(double *b, MPI_Comm comm) {
  MPI_Request r;
  MPI_Recv_init(b, 1, MPI_DOUBLE, 0, 0, comm, &r);
  MPI_Request_free(&r);
  MPI_Recv_init(b, 1, MPI_DOUBLE, 1, 0, comm, &r);
  MPI_Request_free(&r);
})"),
            kNone);
}

TEST(LintRequests, LocalRequestLostOnAnEarlyReturn) {
  EXPECT_EQ(c(R"(int f(double *b, MPI_Comm comm, int n) {
  MPI_Request r;
  MPI_Send_init(b, n, MPI_DOUBLE, 1, 0, comm, &r);  // @init
  if (n > 8)
    return -1;
  MPI_Request_free(&r);
  return 0;
})"),
            (Expect{"request-leak at=init"}));
}

TEST(LintRequests, StartWhileActiveMissingStartAndFreeWhileActive) {
  EXPECT_EQ(c(R"(void f(double *b, MPI_Comm comm) {
  MPI_Request r;
  MPI_Send_init(b, 1, MPI_DOUBLE, 1, 0, comm, &r);
  MPI_Start(&r);  // @start1
  MPI_Start(&r);  // @start2
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  MPI_Request_free(&r);
})"),
            (Expect{"request-misuse at=start1,start2"}));
  EXPECT_EQ(c(R"(void f(double *b, MPI_Comm comm) {
  MPI_Request r;
  MPI_Send_init(b, 1, MPI_DOUBLE, 1, 0, comm, &r);  // @init
  MPI_Wait(&r, MPI_STATUS_IGNORE);  // @wait
  MPI_Request_free(&r);
})"),
            (Expect{"request-misuse at=init,wait"}));
  EXPECT_EQ(c(R"(void f(double *b, MPI_Comm comm) {
  MPI_Request r;
  MPI_Send_init(b, 1, MPI_DOUBLE, 1, 0, comm, &r);
  MPI_Start(&r);  // @start
  MPI_Request_free(&r);  // @free
})"),
            (Expect{"request-misuse at=free,start"}));  // a persistent request: missing wait
  EXPECT_EQ(c(R"(void f(double *b, MPI_Comm comm) {
  MPI_Request r;
  MPI_Isend(b, 1, MPI_DOUBLE, 1, 0, comm, &r);  // @isend
  MPI_Request_free(&r);  // @free
})"),
            (Expect{"request-free-active at=free,isend"}));
}

TEST(LintRequests, NonblockingRequestNotCompletedAtFinalize) {
  EXPECT_EQ(c(R"(int main(void) {
  MPI_Init(0, 0);
  double b = 1;
  MPI_Request r;
  MPI_Isend(&b, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &r);  // @isend
  MPI_Finalize();  // @fin
  return 0;
})"),
            (Expect{"request-leak at=isend"}));
}

TEST(LintRequests, ErrorArmsOfTheCreatingCallDoNotLeak) {
  EXPECT_EQ(c(R"(int setup(double *b, MPI_Comm comm, MPI_Request *out) {
  MPI_Request s, r;
  if (MPI_Send_init(b, 1, MPI_DOUBLE, 1, 0, comm, &s) != MPI_SUCCESS)
    return -1;
  int rc = MPI_Recv_init(b, 1, MPI_DOUBLE, 1, 0, comm, &r);
  if (rc != MPI_SUCCESS) {
    MPI_Request_free(&s);
    return -2;
  }
  out[0] = s;
  out[1] = r;
  return 0;
})"),
            kNone);
  // ... but a failure of the second call must still free the first.
  EXPECT_EQ(c(R"(int setup(double *b, MPI_Comm comm, MPI_Request *out) {
  MPI_Request s, r;
  if (MPI_Send_init(b, 1, MPI_DOUBLE, 1, 0, comm, &s) != MPI_SUCCESS)  // @sinit
    return -1;
  if (MPI_Recv_init(b, 1, MPI_DOUBLE, 1, 0, comm, &r) != MPI_SUCCESS)
    return -2;
  out[0] = s;
  out[1] = r;
  return 0;
})"),
            (Expect{"request-leak at=sinit"}));
}

TEST(LintRequests, ArraysCompletedWithWaitallAndFreedInLoops) {
  EXPECT_EQ(c(R"(int main(void) {
  MPI_Init(0, 0);
  double b[4];
  MPI_Request halo[4], nb[8];
  MPI_Recv_init(&b[0], 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD, &halo[0]);
  MPI_Recv_init(&b[1], 1, MPI_DOUBLE, 1, 1, MPI_COMM_WORLD, &halo[1]);
  MPI_Send_init(&b[2], 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD, &halo[2]);
  MPI_Send_init(&b[3], 1, MPI_DOUBLE, 1, 1, MPI_COMM_WORLD, &halo[3]);
  MPI_Startall(4, halo);
  MPI_Waitall(4, halo, MPI_STATUSES_IGNORE);
  for (int i = 0; i < 4; i++)
    MPI_Request_free(&halo[i]);
  int n = 0;
  for (int p = 0; p < 4; p++)
    MPI_Irecv(&b[p], 1, MPI_DOUBLE, p, 0, MPI_COMM_WORLD, &nb[n++]);
  MPI_Waitall(n, nb, MPI_STATUSES_IGNORE);
  MPI_Finalize();
  return 0;
})"),
            kNone);
}

TEST(LintRequests, CxxVectorsOfRequests) {
  const std::string src = R"(#include <mpi.h>
#include <vector>
int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  std::vector<MPI_Request> reqs(3);
  MPI_Request arr[2];
  double a = 0, b = 1;
  MPI_Irecv(&a, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &reqs[0]);
  MPI_Isend(&b, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &reqs[1]);
  MPI_Isend(&b, 1, MPI_DOUBLE, 0, 1, MPI_COMM_WORLD, &reqs[2]);
  MPI_Waitall(2, reqs.data(), MPI_STATUSES_IGNORE);
  MPI_Wait(&reqs[2], MPI_STATUS_IGNORE);
  MPI_Irecv(&a, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &arr[0]);
  MPI_Isend(&b, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &arr[1]);
  MPI_Waitall(2, &arr[0], MPI_STATUSES_IGNORE);
  MPI_Finalize();
  return 0;
})";
  EXPECT_EQ(testing::reduce(testing::lint(testing::parse_c(src, "vec.cpp")), src), kNone);
}

TEST(LintRequests, Python) {
  EXPECT_EQ(py(R"(buf = array.array("d", [0.0])
req = comm.Send_init(buf, (rank + 1) % comm.Get_size())  # @init
req.Start()
req.Wait()
)"),
            (Expect{"request-leak at=init"}));
  EXPECT_EQ(py(R"(buf = array.array("d", [0.0])
req = comm.Send_init(buf, (rank + 1) % comm.Get_size())
req.Start()
req.Wait()
req.Free()
)"),
            kNone);
}

TEST(LintRequests, PythonRequestLists) {
  const char* made = R"(out = array.array("d", [0.0])
got = array.array("d", [0.0])
reqs = [comm.Send_init(out, 1), comm.Recv_init(got, 1)]  # @make
MPI.Prequest.Startall(reqs)
MPI.Request.Waitall(reqs)
)";
  EXPECT_EQ(py(made), (Expect{"request-leak at=make", "request-leak at=make"})) << "reqs[0] and reqs[1]";
  EXPECT_EQ(py(std::string(made) + "for r in reqs:\n    r.Free()\n"), kNone);
  const char* appended = R"(mine = array.array("i", [rank])
pending = []
for peer in (1, 2):
    pending.append(comm.Isend(mine, peer))  # @isend
)";
  EXPECT_EQ(py(appended), (Expect{"request-leak at=isend"}));
  EXPECT_EQ(py(std::string(appended) + "MPI.Request.Waitall(pending)\n"), kNone);
}

// ---- resources ----

TEST(LintResources, ObjectsNotFreedOnSomePath) {
  EXPECT_EQ(c(R"(int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int x;
  MPI_Win w;
  MPI_Datatype t;
  MPI_Win_create(&x, sizeof x, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &w);  // @win
  MPI_Type_contiguous(2, MPI_INT, &t);  // @type
  if (argc > 1)
    MPI_Win_free(&w);
  MPI_Finalize();
  return 0;
})"),
            (Expect{"resource-leak at=type", "resource-leak at=win"}));
}

TEST(LintResources, CreateOverALiveObjectAndHandlesLeavingSight) {
  EXPECT_EQ(c(R"(void f(void) {
  MPI_Datatype t;
  MPI_Type_contiguous(2, MPI_INT, &t);  // @first
  MPI_Type_contiguous(4, MPI_INT, &t);
  MPI_Type_free(&t);
})"),
            (Expect{"resource-leak at=first"}));
  // Compared, stored away, returned: not followed.
  EXPECT_EQ(c(R"(MPI_Comm keep;
MPI_Comm f(MPI_Comm c, int k) {
  MPI_Comm a, b, d;
  MPI_Comm_split(c, k, 0, &a);
  if (a != MPI_COMM_NULL) {}
  MPI_Comm_dup(c, &b);
  keep = b;
  MPI_Comm_dup(c, &d);
  return d;
})"),
            kNone);
}

TEST(LintResources, CreatedAndFreedUnderTheSameRankTestWrittenTwoWays) {
  EXPECT_EQ(c(R"(int main(void) {
  MPI_Init(0, 0);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Datatype t;
  if (!rank)
    MPI_Type_contiguous(4, MPI_INT, &t);
  if (rank == 0)
    MPI_Type_free(&t);
  MPI_Finalize();
  return 0;
})"),
            kNone);
}

TEST(LintResources, FreedInALoopOverTheArray) {
  EXPECT_EQ(c(R"(void f(void) {
  MPI_Datatype t[2];
  MPI_Type_contiguous(2, MPI_INT, &t[0]);
  MPI_Type_vector(2, 1, 4, MPI_INT, &t[1]);
  for (int i = 0; i < 2; i++)
    MPI_Type_free(&t[i]);
})"),
            kNone);
}

TEST(LintResources, Python) {
  EXPECT_EQ(py(R"(buf = array.array("i", [0])
win = MPI.Win.Create(buf, comm=comm)  # @create
)"),
            (Expect{"resource-leak at=create"}));
}

// ---- epochs ----

TEST(LintEpochs, RmaWithNoEpoch) {
  EXPECT_EQ(c(R"(int main(void) {
  MPI_Init(0, 0);
  int x = 0, y = 1;
  MPI_Win w;
  MPI_Win_create(&x, sizeof x, sizeof x, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  MPI_Put(&y, 1, MPI_INT, 0, 0, 1, MPI_INT, w);  // @put
  MPI_Win_fence(0, w);
  MPI_Put(&y, 1, MPI_INT, 0, 0, 1, MPI_INT, w);
  MPI_Win_fence(0, w);
  MPI_Win_free(&w);
  MPI_Finalize();
  return 0;
})"),
            (Expect{"missing-epoch at=put"}));
}

TEST(LintEpochs, LockLeftOpenOnAPathToWinFree) {
  EXPECT_EQ(c(R"(void f(int *x, int v) {
  MPI_Win w;
  MPI_Win_create(x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, w);  // @lock
  MPI_Get(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, w);
  MPI_Win_flush(0, w);
  if (v == 0)
    goto out;
  MPI_Win_unlock(0, w);
out:
  MPI_Win_free(&w);  // @free
})"),
            (Expect{"unclosed-epoch at=free,lock"}));
}

TEST(LintEpochs, UnlockOfAnotherConstantTarget) {
  const char* body = R"(void f(int *x, int v) {
  MPI_Win w;
  MPI_Win_create(x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, w);  // @lock
  MPI_Put(&v, 1, MPI_INT, 1, 0, 1, MPI_INT, w);
  MPI_Win_unlock(%T%, w);  // @unlock
  MPI_Win_free(&w);  // @free
})";
  auto with = [&](const std::string& t) {
    std::string s = body;
    s.replace(s.find("%T%"), 3, t);
    return c(s);
  };
  // The failed unlock releases nothing: the lock is still held at MPI_Win_free.
  EXPECT_EQ(with("2"), (Expect{"epoch-mismatch at=lock,unlock", "unclosed-epoch at=free,lock"}));
  EXPECT_EQ(with("1"), kNone);
  EXPECT_EQ(with("v"), kNone) << "not comparable: taken to be the one";
}

TEST(LintEpochs, NestedLockFlushOutsideAndLockInsideAFenceEpoch) {
  EXPECT_EQ(c(R"(void f(MPI_Win w, int v) {
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, w);  // @lock1
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, w);  // @lock2
  MPI_Win_unlock(0, w);
  MPI_Win_unlock(0, w);
})"),
            (Expect{"epoch-mismatch at=lock1,lock2"}));
  EXPECT_EQ(c(R"(void f(int *x) {
  MPI_Win w;
  MPI_Win_create(x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  MPI_Win_fence(0, w);  // @fence
  MPI_Win_flush(0, w);  // @flush
  MPI_Win_free(&w);
})"),
            (Expect{"epoch-mismatch at=fence,flush"}));
  EXPECT_EQ(c(R"(void f(int *x, int v) {
  MPI_Win w;
  MPI_Win_create(x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  MPI_Win_fence(0, w);  // @open
  MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, w);  // @lock
  MPI_Put(&v, 1, MPI_INT, 1, 0, 1, MPI_INT, w);
  MPI_Win_unlock(1, w);
  MPI_Win_fence(0, w);  // @close
  MPI_Win_free(&w);
})"),
            (Expect{"epoch-mismatch at=close,lock,open"}));
}

TEST(LintEpochs, EpochsSpanningHelperFunctions) {
  // acquire/release helpers, and main that passes the window on.
  EXPECT_EQ(c(R"(static void acquire(MPI_Win w, int t) { MPI_Win_lock(MPI_LOCK_EXCLUSIVE, t, 0, w); }
static void release(MPI_Win w, int t) { MPI_Win_unlock(t, w); }
int main(void) {
  MPI_Init(0, 0);
  int *m, one = 1, old;
  MPI_Win w;
  MPI_Win_allocate(4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &m, &w);
  acquire(w, 0);
  MPI_Fetch_and_op(&one, &old, MPI_INT, 0, 0, MPI_SUM, w);
  release(w, 0);
  if (old < 0)
    MPI_Abort(MPI_COMM_WORLD, 1);
  MPI_Win_free(&w);
  MPI_Finalize();
  return 0;
})"),
            kNone);
  // After the helper, what main opens itself is still followed.
  EXPECT_EQ(c(R"(void helper(MPI_Win w);
int main(void) {
  MPI_Init(0, 0);
  int *m;
  MPI_Win w;
  MPI_Win_allocate(4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &m, &w);
  helper(w);
  MPI_Win_lock_all(0, w);  // @lockall
  MPI_Win_free(&w);  // @free
  MPI_Finalize();
  return 0;
})"),
            (Expect{"unclosed-epoch at=free,lockall"}));
}

TEST(LintEpochs, CorrelatedConditionsKeepLockAndUnlockTogether) {
  const char* body = R"(void f(int *x, int v, int rank) {
  MPI_Win w;
  MPI_Win_create(x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  const int mine = rank == 2;
  if (mine)
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, w);  // @lock
  if (mine)
    MPI_Get(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, w);
  %CHANGE%
  if (mine)
    MPI_Win_unlock(0, w);  // @unlock
  MPI_Win_free(&w);  // @free
})";
  std::string same = body, changed = body;
  same.replace(same.find("%CHANGE%"), 8, "");
  changed.replace(changed.find("%CHANGE%"), 8, "flip(&mine);");
  EXPECT_EQ(c(same), kNone);
  EXPECT_EQ(c("void flip(const int *);\n" + changed),
            (Expect{"epoch-mismatch at=unlock", "unclosed-epoch at=free,lock"}))
      << "a call given &mine may change it: lock without unlock, and unlock without lock";
}

TEST(LintEpochs, Python) {
  EXPECT_EQ(py(R"(buf = array.array("i", [0])
win = MPI.Win.Create(buf, comm=comm)
win.Put(buf, 0)  # @put
win.Fence()
win.Free()
)"),
            (Expect{"missing-epoch at=put"}));
}

// ---- collectives ----

TEST(LintCollectives, FenceUnderARankConditionOnOneSideOnly) {
  EXPECT_EQ(c(R"(int main(void) {
  MPI_Init(0, 0);
  int rank, x = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Win w;
  MPI_Win_create(&x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  if (rank == 0)
    MPI_Win_fence(0, w);  // @fence
  MPI_Win_free(&w);
  MPI_Finalize();
  return 0;
})"),
            (Expect{"fence-mismatch at=fence"}));
}

TEST(LintCollectives, EveryArmCallingTheSameCollectivesIsFine) {
  EXPECT_EQ(c(R"(int main(int argc, char **argv) {
  MPI_Init(0, 0);
  int rank, x = 0, y = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Win w;
  MPI_Win_create(&x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &w);
  if (rank == 0) {
    MPI_Win_fence(0, w);
    MPI_Put(&y, 1, MPI_INT, 1, 0, 1, MPI_INT, w);
    MPI_Win_fence(0, w);
  } else {
    if (argc > 5)
      MPI_Abort(MPI_COMM_WORLD, 2);
    MPI_Win_fence(0, w);
    MPI_Win_fence(0, w);
  }
  if (argc > 1) {  // not rank-dependent
    MPI_Barrier(MPI_COMM_WORLD);
  }
  MPI_Win_free(&w);
  MPI_Finalize();
  return 0;
})"),
            kNone);
}

TEST(LintCollectives, WindowsOfASubsetOfTheRanks) {
  EXPECT_EQ(c(R"(int main(void) {
  MPI_Init(0, 0);
  int rank, x = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm half;
  MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
  MPI_Win hw, sw, ww;
  MPI_Win_create(&x, 4, 4, MPI_INFO_NULL, half, &hw);
  if (rank % 2 == 0) {
    MPI_Win_fence(0, hw);
    MPI_Barrier(half);
  }
  MPI_Win_free(&hw);
  if (rank == 0) {
    MPI_Win_create(&x, 4, 4, MPI_INFO_NULL, MPI_COMM_SELF, &sw);
    MPI_Win_fence(0, sw);
    MPI_Win_free(&sw);
  }
  MPI_Win_create(&x, 4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &ww);
  if (rank == 1)
    MPI_Win_fence(0, ww);  // @world
  MPI_Win_free(&ww);
  MPI_Comm_free(&half);
  MPI_Finalize();
  return 0;
})"),
            (Expect{"fence-mismatch at=world"}))
      << "only the window over every rank counts";
}

TEST(LintCollectives, ErrorBranchesOnMpiCallsAreNotRankDependent) {
  EXPECT_EQ(c(R"(int f(MPI_Comm comm, double *b, int right) {
  MPI_Win w;
  MPI_Request r;
  MPI_Win_create(b, 8, 8, MPI_INFO_NULL, comm, &w);
  if (MPI_Send_init(b, 1, MPI_DOUBLE, right, 0, comm, &r) != MPI_SUCCESS) {
    MPI_Win_free(&w);
    return 1;
  }
  MPI_Request_free(&r);
  MPI_Win_free(&w);
  return 0;
}
int main(void) {
  MPI_Init(0, 0);
  int rank;
  double b;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  f(MPI_COMM_WORLD, &b, rank + 1);
  MPI_Finalize();
  return 0;
})"),
            kNone);
}

TEST(LintCollectives, PythonCourseExampleLeavesRanksOut) {
  EXPECT_EQ(py(R"(buf = array.array("i", [0])
win = MPI.Win.Create(buf, comm=comm)
if rank == 0:
    win.Fence()
    win.Put(buf, 1)
    win.Fence()
elif rank == 1:
    win.Fence()  # @f2
    win.Fence()  # @f3
win.Free()
)"),
            (Expect{"fence-mismatch at=f2,f3"}))
      << "rank 0 and rank 1 fence alike; the ranks after them do not";
}

// ---- buffers ----

TEST(LintBuffers, ResultBufferReadBeforeTheClosingFence) {
  const char* body = R"(void f(MPI_Win w) {
  int v = 0;
  MPI_Win_fence(0, w);
  MPI_Get(&v, 1, MPI_INT, 1, 0, 1, MPI_INT, w);  // @get
  %BEFORE%
  MPI_Win_fence(0, w);
  if (v > 0) {}
})";
  std::string bug = body, fixed = body;
  bug.replace(bug.find("%BEFORE%"), 8, "if (v > 0) {}  // @read");
  fixed.replace(fixed.find("%BEFORE%"), 8, "");
  EXPECT_EQ(c(bug), (Expect{"origin-buffer-conflict at=get,read"}));
  EXPECT_EQ(c(fixed), kNone);
}

TEST(LintBuffers, OriginWrittenBeforeTheFlushOfItsTarget) {
  const char* body = R"(void f(MPI_Win w, int *b) {
  MPI_Win_lock_all(0, w);
  MPI_Put(b, 2, MPI_INT, 1, 0, 2, MPI_INT, w);  // @put
  MPI_Win_flush(%T%, w);
  b[1] = 7;  // @store
  MPI_Win_unlock_all(w);
})";
  auto with = [&](const std::string& t) {
    std::string s = body;
    s.replace(s.find("%T%"), 3, t);
    return c(s);
  };
  EXPECT_EQ(with("1"), kNone);
  EXPECT_EQ(with("2"), (Expect{"origin-buffer-conflict at=put,store"}));
}

TEST(LintBuffers, SendBufferWrittenBeforeTheWait) {
  EXPECT_EQ(c(R"(void f(MPI_Comm comm) {
  double b[2] = {1, 2};
  MPI_Request r;
  MPI_Isend(b, 2, MPI_DOUBLE, 1, 0, comm, &r);  // @isend
  b[0] = 3;  // @store
  b[3 - 1] = 4;
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  b[0] = 5;
})"),
            (Expect{"origin-buffer-conflict at=isend,store"}))
      << "b[2] is past the two elements sent";
}

TEST(LintBuffers, OwnWindowElementInAFenceEpoch) {
  const char* body = R"(void f(double *mine) {
  double *slot;
  MPI_Win w;
  MPI_Win_allocate(2 * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &w);
  MPI_Win_fence(0, w);
  MPI_Put(mine, 1, MPI_DOUBLE, 1, 0, 1, MPI_DOUBLE, w);  // @put
  %ACCESS%
  MPI_Win_fence(0, w);
  MPI_Win_free(&w);
})";
  auto with = [&](const std::string& a) {
    std::string s = body;
    s.replace(s.find("%ACCESS%"), 8, a);
    return c(s);
  };
  EXPECT_EQ(with("slot[0] = 0;  // @store"), (Expect{"target-local-conflict at=put,store"}));
  EXPECT_EQ(with("slot[1] = 0;"), kNone) << "another element";
}

TEST(LintBuffers, DerivedDatatypesAreNotTakenToCoverTheBuffer) {
  EXPECT_EQ(c(R"(void f(MPI_Comm grid, int up, int down) {
  double *a;
  MPI_Win w;
  MPI_Datatype row, col;
  MPI_Type_vector(4, 1, 6, MPI_DOUBLE, &col);
  MPI_Type_contiguous(4, MPI_DOUBLE, &row);
  MPI_Win_allocate(36 * sizeof(double), sizeof(double), MPI_INFO_NULL, grid, &a, &w);
  MPI_Win_fence(0, w);
  MPI_Get(a, 1, row, up, 30, 1, row, w);
  MPI_Get(a, 1, col, down, 5, 1, col, w);
  MPI_Put(&a[7], 1, col, up, 11, 1, col, w);
  MPI_Win_fence(0, w);
  MPI_Win_free(&w);
  MPI_Type_free(&row);
  MPI_Type_free(&col);
})"),
            kNone);
}

TEST(LintBuffers, HelpersThatSynchronizeComplete) {
  const char* src = R"(static void done(MPI_Win w, int t) { MPI_Win_unlock(t, w); }
static void nothing(MPI_Win w, int t) { (void)w; (void)t; }
void f(MPI_Win w) {
  int v;
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, w);
  MPI_Get(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, w);  // @get
  %HELPER%(w, 0);
  if (v) {}  // @read
  MPI_Win_unlock(0, w);
})";
  auto with = [&](const std::string& h) {
    std::string s = src;
    s.replace(s.find("%HELPER%"), 8, h);
    return c(s);
  };
  EXPECT_EQ(with("done"), kNone);
  EXPECT_EQ(with("unknown_elsewhere"), kNone) << "a function of another file may synchronize";
  EXPECT_EQ(with("nothing"), (Expect{"origin-buffer-conflict at=get,read"}));
}

TEST(LintBuffers, Python) {
  EXPECT_EQ(py(R"(buf = array.array("i", [0])
got = array.array("i", [0])
win = MPI.Win.Create(buf, comm=comm)
win.Fence()
win.Get(got, 0)  # @get
x = got[0]  # @read
win.Fence()
win.Free()
)"),
            (Expect{"origin-buffer-conflict at=get,read"}));
}

}  // namespace
}  // namespace rmacheck::lint
