// The happens-before engine, offline message matching, and the race
// detector's decisions (overlap, atomicity, completion points), on
// hand-built event streams.
#include <gtest/gtest.h>

#include <map>

#include "detectors/detector.h"
#include "log_builder.h"
#include "model/happens_before.h"
#include "model/memory_accesses.h"

namespace rmacheck {
std::unique_ptr<Detector> make_race_detector();
namespace {

constexpr int64_t kInt = 6, kShort = 4, kFloat = 13;  // basic codes (interpose/basic_types.def)
constexpr int64_t kWin = 5;
constexpr int64_t kBase = 0x10000;  // every rank's window base, 64 bytes, disp_unit 1

// A builder with `n` ranks that all created window kWin and know int/short/float.
LogBuilder with_window(int n) {
  LogBuilder b(n);
  b.window_on_every_rank(kWin, kWinAllocate, kBase, 64, 1, 1);
  for (int r = 0; r < n; ++r) {
    b.basic_type(r, kInt, 4);
    b.basic_type(r, kShort, 2);
    b.basic_type(r, kFloat, 4);
  }
  return b;
}

EventBuilder rma(LogBuilder& b, int rank, CallId call, int line, int target, int64_t disp, int64_t count, int64_t type,
                 int64_t op = kOp_MPI_OP_NULL) {
  EventBuilder e = b.call(rank, call, line)
                       .f(kF_win, kWin)
                       .f(kF_target, target)
                       .f(kF_disp, disp)
                       .f(kF_target_count, count)
                       .f(kF_target_type, type)
                       .f(kF_origin_addr, 0x900000 + 64 * line)
                       .f(kF_origin_count, count)
                       .f(kF_origin_type, type);
  if (op != kOp_MPI_OP_NULL) e.f(kF_op, op);
  return e;
}

void fence_all(LogBuilder& b, int n, int line) {
  for (int r = 0; r < n; ++r) b.call(r, kCall_Win_fence, line).f(kF_win, kWin).f(kF_assert, 0);
}

std::vector<Finding> races(Model& m) {
  Analysis a = run_detectors(m);
  std::vector<Finding> out;
  for (auto& f : a.findings)
    if (f.kind == kKind_rma_conflict || f.kind == kKind_origin_buffer_conflict || f.kind == kKind_target_local_conflict)
      out.push_back(f);
  return out;
}

// ---- happens-before ----

TEST(HappensBefore, FenceOrdersEveryMemberBeforeEveryMember) {
  LogBuilder b = with_window(3);
  b.call(0, kCall_Barrier, 2).f(kF_comm, 99);  // unknown communicator: no edge
  fence_all(b, 3, 3);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  // rank 0's event 1 (Barrier on an unknown comm) happens before rank 2 leaving its fence (event 1).
  EXPECT_TRUE(hb.ordered(exit_node(0, 1), exit_node(2, 1)));
  EXPECT_TRUE(hb.ordered(entry_node(1, 1), exit_node(0, 2)));
  // ...but not before rank 2 entering it.
  EXPECT_FALSE(hb.ordered(exit_node(0, 1), entry_node(2, 1)));
  // Nothing after a fence happens before the fence.
  EXPECT_FALSE(hb.ordered(exit_node(1, 1), exit_node(0, 1)));
}

// clock(b, hints), as the race detector asks in issue order, finds the clock clock(b) finds, whatever
// order the nodes are asked in (forward, backward, jumping) and with hints left by other lanes' nodes.
TEST(HappensBefore, ClockWithHintsIsTheClock) {
  LogBuilder b = with_window(3);
  for (int round = 0; round < 5; ++round) {
    fence_all(b, 3, 10 + round);
    b.call(round % 3, kCall_Barrier, 20 + round).f(kF_comm, 99);  // no edge: a node between change points
  }
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  std::vector<Node> nodes;
  for (int r = 0; r < 3; ++r)
    for (uint32_t i = 0; i < m.rank_log(r)->events.size(); ++i)
      nodes.push_back(entry_node(r, i)), nodes.push_back(exit_node(r, i));
  std::vector<Node> orders = nodes;
  orders.insert(orders.end(), nodes.rbegin(), nodes.rend());
  for (size_t k = 0; k < nodes.size(); k += 3) orders.push_back(nodes[(k * 7) % nodes.size()]);
  std::vector<uint32_t> hints;
  for (const Node& n : orders) {
    const HappensBefore::Clock want = hb.clock(n), got = hb.clock(n, hints);
    EXPECT_EQ(got.row, want.row) << "rank " << n.rank << " node " << n.index;
    EXPECT_EQ(got.lane, want.lane);
  }
}

TEST(HappensBefore, BcastOrdersRootBeforeOthersOnly) {
  LogBuilder b(3);
  for (int r = 0; r < 3; ++r) b.call(r, kCall_Bcast, 4).f(kF_comm, 1).f(kF_root, 1);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(entry_node(1, 0), exit_node(0, 0)));
  EXPECT_TRUE(hb.ordered(entry_node(1, 0), exit_node(2, 0)));
  EXPECT_FALSE(hb.ordered(entry_node(0, 0), exit_node(1, 0)));
  EXPECT_FALSE(hb.ordered(entry_node(0, 0), exit_node(2, 0)));
}

TEST(HappensBefore, ReduceOrdersOthersBeforeRoot) {
  LogBuilder b(3);
  for (int r = 0; r < 3; ++r) b.call(r, kCall_Reduce, 4).f(kF_comm, 1).f(kF_root, 0);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(entry_node(2, 0), exit_node(0, 0)));
  EXPECT_FALSE(hb.ordered(entry_node(0, 0), exit_node(2, 0)));
  EXPECT_FALSE(hb.ordered(entry_node(1, 0), exit_node(2, 0)));
}

// Wildcard receives are matched by the status each one completed with.
TEST(MessageMatching, AnySourceFollowsTheStatus) {
  LogBuilder b(3);
  b.call(1, kCall_Send, 5).f(kF_comm, 1).f(kF_peer, 0).f(kF_tag, 7);  // rank 1 event 0
  b.call(2, kCall_Send, 6).f(kF_comm, 1).f(kF_peer, 0).f(kF_tag, 7);  // rank 2 event 0
  // Rank 0 receives from MPI_ANY_SOURCE twice: rank 2's message first.
  b.call(0, kCall_Recv, 7)
      .f(kF_comm, 1)
      .f(kF_recv_peer, kRankAny)
      .f(kF_recv_tag, kTagAny)
      .f(kF_status_src, 2)
      .f(kF_status_tag, 7);
  b.call(0, kCall_Recv, 8)
      .f(kF_comm, 1)
      .f(kF_recv_peer, kRankAny)
      .f(kF_recv_tag, kTagAny)
      .f(kF_status_src, 1)
      .f(kF_status_tag, 7);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(entry_node(2, 0), exit_node(0, 0)));
  EXPECT_FALSE(hb.ordered(entry_node(1, 0), exit_node(0, 0)));
  EXPECT_TRUE(hb.ordered(entry_node(1, 0), exit_node(0, 1)));
  EXPECT_TRUE(hb.warnings().empty());
}

// The k-th message from s to d with tag t matches the k-th such receive, not the tag-blind order.
TEST(MessageMatching, NonOvertakingPerTag) {
  LogBuilder b(2);
  b.call(1, kCall_Send, 5).f(kF_comm, 1).f(kF_peer, 0).f(kF_tag, 1);               // event 0
  b.call(1, kCall_Barrier, 6).f(kF_comm, 77);                                      // event 1 (no edge)
  b.call(1, kCall_Send, 7).f(kF_comm, 1).f(kF_peer, 0).f(kF_tag, 2);               // event 2
  b.call(0, kCall_Recv, 8).f(kF_comm, 1).f(kF_status_src, 1).f(kF_status_tag, 2);  // tag 2 first
  b.call(0, kCall_Recv, 9).f(kF_comm, 1).f(kF_status_src, 1).f(kF_status_tag, 1);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(exit_node(1, 1), exit_node(0, 0)));  // via the tag-2 send (after the barrier)
  EXPECT_TRUE(hb.ordered(entry_node(1, 0), exit_node(0, 1)));
}

TEST(MessageMatching, NonblockingReceiveMatchesAtItsCompletion) {
  LogBuilder b(2);
  b.call(0, kCall_Irecv, 3).f(kF_comm, 1).f(kF_recv_peer, kRankAny).f(kF_recv_tag, kTagAny).f(kF_new_req, 11);  // event
                                                                                                                // 0
  b.call(0, kCall_Barrier, 4).f(kF_comm, 55);                                                           // event 1
  b.call(0, kCall_Wait, 5).f(kF_req, 11).a(kF_done, {11}).a(kF_status_src, {1}).a(kF_status_tag, {3});  // event 2
  b.call(1, kCall_Isend, 6).f(kF_comm, 1).f(kF_peer, 0).f(kF_tag, 3).f(kF_new_req, 4);
  b.call(1, kCall_Wait, 7).f(kF_req, 4).a(kF_done, {4}).a(kF_status_src, {-2}).a(kF_status_tag, {-1});
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(entry_node(1, 0), exit_node(0, 2)));
  EXPECT_FALSE(hb.ordered(entry_node(1, 0), exit_node(0, 1)));
}

TEST(HappensBefore, ExclusiveLocksAreOrderedInAcquisitionOrder) {
  LogBuilder b = with_window(3);
  b.call(0, kCall_Win_lock, 2).f(kF_win, kWin).f(kF_target, 2).f(kF_lock_type, kLockExclusive);  // t=7,8 after creates
  b.call(0, kCall_Win_unlock, 3).f(kF_win, kWin).f(kF_target, 2);
  b.call(1, kCall_Win_lock, 4).f(kF_win, kWin).f(kF_target, 2).f(kF_lock_type, kLockExclusive);
  b.call(1, kCall_Win_unlock, 5).f(kF_win, kWin).f(kF_target, 2);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(exit_node(0, 2), exit_node(1, 1)));  // rank 0's unlock before rank 1's lock returns
  EXPECT_FALSE(hb.ordered(exit_node(1, 2), exit_node(0, 1)));
}

// A lazy lock returns before it is acquired: rank 1's lock returns first,
// but rank 0 releases first, so rank 0 held the lock first.
TEST(HappensBefore, ExclusiveLocksAreOrderedByRelease) {
  LogBuilder b = with_window(3);
  b.call(1, kCall_Win_lock, 4).f(kF_win, kWin).f(kF_target, 2).f(kF_lock_type, kLockExclusive);
  b.call(0, kCall_Win_lock, 2).f(kF_win, kWin).f(kF_target, 2).f(kF_lock_type, kLockExclusive);
  b.call(0, kCall_Win_unlock, 3).f(kF_win, kWin).f(kF_target, 2);
  b.call(1, kCall_Win_unlock, 5).f(kF_win, kWin).f(kF_target, 2);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(exit_node(0, 2), exit_node(1, 1)));
  EXPECT_FALSE(hb.ordered(exit_node(1, 2), exit_node(0, 1)));
}

// ---- races ----

TEST(RaceDetector, PutAndGetOfOneTargetInOneFenceEpochRace) {
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Put, 10, 1, 0, 1, kInt);
  rma(b, 2, kCall_Get, 11, 1, 0, 1, kInt);
  fence_all(b, 3, 12);
  Model m = b.build();
  auto f = races(m);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, kKind_rma_conflict);
  EXPECT_EQ(f[0].accesses[0].lo, 0);
  EXPECT_EQ(f[0].accesses[0].hi, 4);
}

TEST(RaceDetector, AFenceBetweenOrdersThem) {
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Put, 10, 1, 0, 1, kInt);
  fence_all(b, 3, 11);
  rma(b, 2, kCall_Get, 12, 1, 0, 1, kInt);
  fence_all(b, 3, 13);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

TEST(RaceDetector, AdjacentBytesDoNotOverlap) {
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Put, 10, 1, 0, 2, kInt);  // bytes [0,8)
  rma(b, 2, kCall_Put, 11, 1, 8, 2, kInt);  // bytes [8,16)
  fence_all(b, 3, 12);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

TEST(RaceDetector, AccumulatesOfOneBasicTypeAndOneOpAreAtomic) {
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 2, kInt, kOp_MPI_SUM);
  rma(b, 2, kCall_Accumulate, 11, 1, 4, 1, kInt, kOp_MPI_SUM);
  rma(b, 2, kCall_Fetch_and_op, 12, 1, 0, 1, kInt, kOp_MPI_NO_OP);
  rma(b, 0, kCall_Get_accumulate, 13, 1, 4, 1, kInt, kOp_MPI_SUM);
  fence_all(b, 3, 14);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

// Default accumulate_ordering: one origin's accumulates of one basic type are ordered, whatever their ops.
TEST(RaceDetector, AccumulatesFromOneOriginAreOrdered) {
  LogBuilder b = with_window(2);
  fence_all(b, 2, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 1, kInt, kOp_MPI_SUM);
  rma(b, 0, kCall_Accumulate, 11, 1, 0, 1, kInt, kOp_MPI_MAX);
  rma(b, 0, kCall_Accumulate, 12, 1, 0, 1, kInt, kOp_MPI_REPLACE);
  fence_all(b, 2, 13);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

// Default accumulate_ops (same_op_no_op): different ops on one element are not atomic together.
TEST(RaceDetector, AccumulatesWithDifferentOpsConflict) {
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 1, kInt, kOp_MPI_SUM);
  rma(b, 2, kCall_Accumulate, 11, 1, 0, 1, kInt, kOp_MPI_MAX);
  fence_all(b, 3, 12);
  Model m = b.build();
  EXPECT_EQ(races(m).size(), 1u);
}

TEST(RaceDetector, AccumulatesOfDifferentBasicTypesConflict) {
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 1, kInt, kOp_MPI_SUM);
  rma(b, 2, kCall_Accumulate, 11, 1, 0, 1, kFloat, kOp_MPI_SUM);
  rma(b, 2, kCall_Accumulate, 12, 1, 8, 2, kShort, kOp_MPI_SUM);
  rma(b, 0, kCall_Accumulate, 13, 1, 8, 1, kInt, kOp_MPI_SUM);
  fence_all(b, 3, 14);
  Model m = b.build();
  auto f = races(m);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].kind, kKind_rma_conflict);
}

TEST(RaceDetector, StraddlingAccumulatesConflict) {
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 2, kInt, kOp_MPI_SUM);  // ints at 0 and 4
  rma(b, 2, kCall_Accumulate, 11, 1, 2, 1, kInt, kOp_MPI_SUM);  // int at 2: straddles both
  fence_all(b, 3, 12);
  Model m = b.build();
  EXPECT_EQ(races(m).size(), 1u);
}

TEST(RaceDetector, SameOriginNeedsAFlushNotAFlushLocal) {
  for (CallId between : {kCall_Win_flush_local, kCall_Win_flush}) {
    LogBuilder b = with_window(2);
    b.call(0, kCall_Win_lock, 2).f(kF_win, kWin).f(kF_target, 1).f(kF_lock_type, kLockShared);
    rma(b, 0, kCall_Put, 3, 1, 0, 1, kInt);
    b.call(0, between, 4).f(kF_win, kWin).f(kF_target, 1);
    rma(b, 0, kCall_Get, 5, 1, 0, 1, kInt);
    b.call(0, kCall_Win_unlock, 6).f(kF_win, kWin).f(kF_target, 1);
    Model m = b.build();
    EXPECT_EQ(races(m).size(), between == kCall_Win_flush ? 0u : 1u) << call_name(between);
  }
}

TEST(RaceDetector, OriginBufferOfAPendingGetSentTooEarly) {
  LogBuilder b = with_window(2);
  fence_all(b, 2, 2);
  rma(b, 0, kCall_Get, 3, 1, 0, 4, kInt);  // origin buffer at 0x900000 + 64*3
  b.call(0, kCall_Send, 4)
      .f(kF_comm, 1)
      .f(kF_peer, 1)
      .f(kF_tag, 0)
      .f(kF_buf, 0x900000 + 64 * 3 + 4)
      .f(kF_count, 1)
      .f(kF_type, kInt);
  b.call(1, kCall_Recv, 4).f(kF_comm, 1).f(kF_status_src, 0).f(kF_status_tag, 0);
  fence_all(b, 2, 5);
  Model m = b.build();
  auto f = races(m);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, kKind_origin_buffer_conflict);
  EXPECT_EQ(f[0].accesses[0].lo, 4);  // bytes [4,8) of the Get's buffer
  EXPECT_EQ(f[0].accesses[0].hi, 8);
}

TEST(RaceDetector, OverlappingWindowsCompareAddresses) {
  LogBuilder b(2);
  // Two windows over overlapping memory of each rank: win 5 at base, win 6 at base + 8.
  for (int r = 0; r < 2; ++r) {
    b.call(r, kCall_Win_create, 1)
        .f(kF_new_win, 5)
        .f(kF_win_flavor, kWinCreate)
        .a(kF_members, {0, 1})
        .a(kF_win_bases, {kBase, kBase})
        .a(kF_win_sizes, {16, 16})
        .a(kF_win_units, {1, 1});
    b.call(r, kCall_Win_create, 2)
        .f(kF_new_win, 6)
        .f(kF_win_flavor, kWinCreate)
        .a(kF_members, {0, 1})
        .a(kF_win_bases, {kBase + 8, kBase + 8})
        .a(kF_win_sizes, {16, 16})
        .a(kF_win_units, {1, 1});
    b.type(r, kInt, 4, 4, {{0, 4, static_cast<int32_t>(kInt)}}, kInt);
  }
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, 3).f(kF_win, 5);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, 3).f(kF_win, 6);
  b.call(0, kCall_Put, 4).f(kF_win, 5).f(kF_target, 1).f(kF_disp, 8).f(kF_target_count, 1).f(kF_target_type, kInt);
  b.call(1, kCall_Put, 5).f(kF_win, 6).f(kF_target, 1).f(kF_disp, 0).f(kF_target_count, 1).f(kF_target_type, kInt);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, 6).f(kF_win, 5);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, 6).f(kF_win, 6);
  Model m = b.build();
  auto f = races(m);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("the windows overlap"), std::string::npos) << f[0].message;
}

// ---- atomicity of pair types, CAS as a replace, completed request-based gets (issue 9) ----

constexpr int64_t k2Int = 41, kDoubleInt = 39;  // MPI_2INT, MPI_DOUBLE_INT (basic_types.def positions)

// The pair types as the interposer logs them: one block of the pair's own code over its true extent.
void pair_types(LogBuilder& b, int n) {
  for (int r = 0; r < n; ++r) {
    b.type(r, k2Int, 8, 8, {{0, 8, static_cast<int32_t>(k2Int)}}, k2Int);
    b.type(r, kDoubleInt, 12, 16, {{0, 12, static_cast<int32_t>(kDoubleInt)}}, kDoubleInt);
  }
}

TEST(RaceDetector, MaxlocOnPairsFromEveryRankIsAtomic) {
  LogBuilder b = with_window(3);
  pair_types(b, 3);
  fence_all(b, 3, 2);
  for (int r = 0; r < 3; ++r) rma(b, r, kCall_Accumulate, 10 + r, 1, 0, 2, k2Int, kOp_MPI_MAXLOC);
  for (int r = 0; r < 3; ++r) rma(b, r, kCall_Accumulate, 20 + r, 1, 16, 2, kDoubleInt, kOp_MPI_MINLOC);
  fence_all(b, 3, 30);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

TEST(RaceDetector, ReplaceAndNoOpOnAPairAreAtomic) {
  LogBuilder b = with_window(3);
  pair_types(b, 3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 1, k2Int, kOp_MPI_REPLACE);
  rma(b, 2, kCall_Get_accumulate, 11, 1, 0, 1, k2Int, kOp_MPI_NO_OP);
  fence_all(b, 3, 12);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

// A pair is one element: MAXLOC on MPI_2INT and SUM on MPI_INT over the same bytes are not atomic together.
TEST(RaceDetector, PairAgainstItsHalvesConflicts) {
  LogBuilder b = with_window(3);
  pair_types(b, 3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 1, k2Int, kOp_MPI_MAXLOC);
  rma(b, 2, kCall_Accumulate, 11, 1, 0, 1, kInt, kOp_MPI_SUM);
  fence_all(b, 3, 12);
  Model m = b.build();
  EXPECT_EQ(races(m).size(), 1u);
}

// Padded pairs (MPI_DOUBLE_INT: 12 bytes every 16): elements are a pair's extent apart,
// so a pair access starting at the second element is aligned, one at byte 8 is not.
TEST(RaceDetector, PaddedPairsAlignOnTheirExtent) {
  for (int64_t disp : {16, 8}) {
    LogBuilder b = with_window(3);
    pair_types(b, 3);
    fence_all(b, 3, 2);
    rma(b, 0, kCall_Accumulate, 10, 1, 0, 3, kDoubleInt, kOp_MPI_MAXLOC);
    rma(b, 2, kCall_Accumulate, 11, 1, disp, 1, kDoubleInt, kOp_MPI_MAXLOC);
    fence_all(b, 3, 12);
    Model m = b.build();
    EXPECT_EQ(races(m).size(), disp == 16 ? 0u : 1u) << "disp " << disp;
  }
  // MPI_SHORT_INT: 6 bytes of data, extent 8, so adjacent elements merge into one block.
  constexpr int64_t kShortInt = 42;
  for (int64_t disp : {8, 6}) {
    LogBuilder b = with_window(3);
    for (int r = 0; r < 3; ++r) b.type(r, kShortInt, 6, 8, {{0, 8, static_cast<int32_t>(kShortInt)}}, kShortInt);
    fence_all(b, 3, 2);
    rma(b, 0, kCall_Accumulate, 10, 1, 0, 3, kShortInt, kOp_MPI_MAXLOC);
    rma(b, 2, kCall_Accumulate, 11, 1, disp, 1, kShortInt, kOp_MPI_MAXLOC);
    fence_all(b, 3, 12);
    Model m = b.build();
    EXPECT_EQ(races(m).size(), disp == 8 ? 0u : 1u) << "MPI_SHORT_INT at disp " << disp;
  }
}

// The MCS lock: Compare_and_swap and Fetch_and_op(MPI_REPLACE or MPI_NO_OP) on one location.
TEST(RaceDetector, CompareAndSwapIsAReplace) {
  LogBuilder b = with_window(3);
  b.call(0, kCall_Win_lock_all, 2).f(kF_win, kWin);
  b.call(2, kCall_Win_lock_all, 2).f(kF_win, kWin);
  rma(b, 0, kCall_Compare_and_swap, 3, 1, 0, 1, kInt);
  rma(b, 2, kCall_Fetch_and_op, 4, 1, 0, 1, kInt, kOp_MPI_REPLACE);
  rma(b, 2, kCall_Fetch_and_op, 5, 1, 0, 1, kInt, kOp_MPI_NO_OP);
  rma(b, 0, kCall_Get_accumulate, 6, 1, 0, 1, kInt, kOp_MPI_REPLACE);
  b.call(0, kCall_Win_unlock_all, 7).f(kF_win, kWin);
  b.call(2, kCall_Win_unlock_all, 7).f(kF_win, kWin);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

TEST(RaceDetector, CompareAndSwapAgainstASumConflicts) {
  LogBuilder b = with_window(3);
  b.call(0, kCall_Win_lock_all, 2).f(kF_win, kWin);
  b.call(2, kCall_Win_lock_all, 2).f(kF_win, kWin);
  rma(b, 0, kCall_Compare_and_swap, 3, 1, 0, 1, kInt);
  rma(b, 2, kCall_Fetch_and_op, 4, 1, 0, 1, kInt, kOp_MPI_SUM);
  b.call(0, kCall_Win_unlock_all, 7).f(kF_win, kWin);
  b.call(2, kCall_Win_unlock_all, 7).f(kF_win, kWin);
  Model m = b.build();
  EXPECT_EQ(races(m).size(), 1u);
}

// MPI orders one origin's accumulates per basic datatype only (MPI-3.1 11.7.2).
TEST(RaceDetector, AccumulatesFromOneOriginOfDifferentTypesConflict) {
  LogBuilder b = with_window(2);
  fence_all(b, 2, 2);
  rma(b, 0, kCall_Accumulate, 10, 1, 0, 1, kInt, kOp_MPI_SUM);
  rma(b, 0, kCall_Accumulate, 11, 1, 0, 1, kFloat, kOp_MPI_REPLACE);
  fence_all(b, 2, 12);
  Model m = b.build();
  EXPECT_EQ(races(m).size(), 1u);
}

// Rget or Rget_accumulate, then its Wait, then a Put by the same origin to the same bytes, in one lock epoch.
void get_wait_put(LogBuilder& b, CallId get, int64_t op, bool wait) {
  b.call(0, kCall_Win_lock, 2).f(kF_win, kWin).f(kF_target, 1).f(kF_lock_type, kLockShared);
  EventBuilder g = rma(b, 0, get, 3, 1, 0, 1, kInt, op).f(kF_new_req, 7);
  if (get == kCall_Rget_accumulate) g.f(kF_result_addr, 0x800000).f(kF_result_count, 1).f(kF_result_type, kInt);
  if (wait) b.call(0, kCall_Wait, 4).f(kF_req, 7).a(kF_done, {7}).a(kF_status_src, {-2}).a(kF_status_tag, {-1});
  rma(b, 0, kCall_Put, 5, 1, 0, 1, kInt);
  b.call(0, kCall_Win_unlock, 6).f(kF_win, kWin).f(kF_target, 1);
  if (!wait) b.call(0, kCall_Wait, 7).f(kF_req, 7).a(kF_done, {7}).a(kF_status_src, {-2}).a(kF_status_tag, {-1});
}

// MPI-3.1 Example 11.21: a waited-on Rget has finished reading the target.
TEST(RaceDetector, WaitedRgetIsOrderedBeforeALaterPut) {
  for (bool wait : {true, false}) {
    LogBuilder b = with_window(2);
    get_wait_put(b, kCall_Rget, kOp_MPI_OP_NULL, wait);
    Model m = b.build();
    EXPECT_EQ(races(m).size(), wait ? 0u : 1u) << (wait ? "with" : "without") << " the wait";
  }
}

TEST(RaceDetector, WaitedNoOpRgetAccumulateIsOrderedBeforeALaterPut) {
  LogBuilder b = with_window(2);
  get_wait_put(b, kCall_Rget_accumulate, kOp_MPI_NO_OP, true);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

// Request completion does not complete an update at the target: Rget_accumulate(SUM) or Rput.
TEST(RaceDetector, WaitDoesNotCompleteTargetUpdates) {
  {
    LogBuilder b = with_window(2);
    get_wait_put(b, kCall_Rget_accumulate, kOp_MPI_SUM, true);
    Model m = b.build();
    EXPECT_EQ(races(m).size(), 1u);
  }
  {
    LogBuilder b = with_window(2);
    b.call(0, kCall_Win_lock, 2).f(kF_win, kWin).f(kF_target, 1).f(kF_lock_type, kLockShared);
    rma(b, 0, kCall_Rput, 3, 1, 0, 1, kInt).f(kF_new_req, 7);
    b.call(0, kCall_Wait, 4).f(kF_req, 7).a(kF_done, {7}).a(kF_status_src, {-2}).a(kF_status_tag, {-1});
    rma(b, 0, kCall_Put, 5, 1, 0, 1, kInt);
    b.call(0, kCall_Win_unlock, 6).f(kF_win, kWin).f(kF_target, 1);
    Model m = b.build();
    EXPECT_EQ(races(m).size(), 1u);
  }
}

// Flush_local completes a Get at the origin, so its target read is over too.
TEST(RaceDetector, FlushLocalCompletesAGetsTargetRead) {
  LogBuilder b = with_window(2);
  b.call(0, kCall_Win_lock, 2).f(kF_win, kWin).f(kF_target, 1).f(kF_lock_type, kLockShared);
  rma(b, 0, kCall_Get, 3, 1, 0, 1, kInt);
  b.call(0, kCall_Win_flush_local, 4).f(kF_win, kWin).f(kF_target, 1);
  rma(b, 0, kCall_Put, 5, 1, 0, 1, kInt);
  b.call(0, kCall_Win_unlock, 6).f(kF_win, kWin).f(kF_target, 1);
  Model m = b.build();
  EXPECT_TRUE(races(m).empty());
}

// ---- the access stream ----

// A long run of fence epochs: every access comes out once, in entry-time
// order, and the stream holds only what one epoch has pending (memory that
// follows the synchronization, not the run's length).
TEST(AccessStream, HoldsOnlyTheAccessesOfThePendingEpoch) {
  constexpr int kEpochs = 500;
  LogBuilder b = with_window(2);
  fence_all(b, 2, 1);
  for (int k = 0; k < kEpochs; ++k) {
    for (int r = 0; r < 2; ++r) rma(b, r, kCall_Put, 2, 1 - r, 4 * (k % 8), 1, kInt);
    fence_all(b, 2, 3);
  }
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  AccessStream stream(m, requests, hb);
  size_t n = 0;
  int64_t last = INT64_MIN;
  for (MemAccess a; stream.next(a); ++n) {
    const int64_t t = m.event({a.issuer, a.event}).t_enter;
    EXPECT_LE(last, t);
    last = t;
    EXPECT_GE(a.complete_at, 0);  // every Put is completed by the next fence
  }
  EXPECT_EQ(n, size_t{2} * 2 * kEpochs);  // target and origin side of each Put
  EXPECT_LE(stream.peak_held(), 8u);
  EXPECT_EQ(stream.held(), 0u);
}

// A Put that nothing completes holds back what its rank issues after it (its
// completion is unknown until the walk ends), and still comes out, uncompleted.
TEST(AccessStream, AnUncompletedAccessComesOutAtTheEndOfTheWalk) {
  LogBuilder b = with_window(2);
  b.call(0, kCall_Win_lock, 2).f(kF_win, kWin).f(kF_target, 1).f(kF_lock_type, kLockShared);
  rma(b, 0, kCall_Put, 3, 1, 0, 1, kInt);  // never flushed or unlocked
  for (int k = 0; k < 20; ++k) b.call(0, kCall_Send, 4).f(kF_buf, 0x800000).f(kF_count, 1).f(kF_type, kInt);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  AccessStream stream(m, requests, hb);
  std::vector<MemAccess> out;
  for (MemAccess a; stream.next(a);) out.push_back(a);
  ASSERT_GE(out.size(), 2u);
  EXPECT_LT(out[0].complete_at, 0);
  EXPECT_EQ(out[0].event, out[1].event);  // the Put's target side, then its origin side
  EXPECT_GE(stream.peak_held(), out.size() - 1);
}

// A run that touches fresh addresses (a buffer per iteration) would keep a segment per buffer; the
// race detector drops, at cuts, what nothing to come can race with (more than 2^16 fresh segments
// here: it collects). What can still race is kept: a race in every epoch is still counted in
// every epoch, and the buffer of an Irecv posted first and waited for last still races with the
// Send that reads it at the end.
TEST(RaceDetector, WhatCanStillRaceOutlivesTheCollectionOfFreshSegments) {
  constexpr int kEpochs = 70000;
  LogBuilder b = with_window(3);
  constexpr int64_t kPending = 0x700000;
  b.call(0, kCall_Irecv, 2)
      .f(kF_comm, 1)
      .f(kF_recv_peer, 2)
      .f(kF_recv_tag, 9)
      .f(kF_recv_buf, kPending)
      .f(kF_recv_count, 1)
      .f(kF_recv_type, kInt)
      .f(kF_new_req, 11);
  for (int e = 0; e < kEpochs; ++e) {
    fence_all(b, 3, 3);
    b.call(1, kCall_Put, 4)  // from a fresh buffer every epoch
        .f(kF_win, kWin)
        .f(kF_target, 2)
        .f(kF_disp, 0)
        .f(kF_target_count, 1)
        .f(kF_target_type, kInt)
        .f(kF_origin_addr, 0x10000000 + 64 * int64_t{e})
        .f(kF_origin_count, 1)
        .f(kF_origin_type, kInt);
    rma(b, 0, kCall_Put, 5, 1, 8, 1, kInt);  // ranks 0 and 2: the same bytes of rank 1, every epoch
    rma(b, 2, kCall_Put, 6, 1, 8, 1, kInt);
  }
  fence_all(b, 3, 7);
  b.call(0, kCall_Send, 8).f(kF_comm, 1).f(kF_peer, 1).f(kF_tag, 0).f(kF_buf, kPending).f(kF_count, 1).f(kF_type, kInt);
  b.call(1, kCall_Recv, 8).f(kF_comm, 1).f(kF_status_src, 0).f(kF_status_tag, 0);
  b.call(2, kCall_Send, 9).f(kF_comm, 1).f(kF_peer, 0).f(kF_tag, 9);
  b.call(0, kCall_Wait, 10).f(kF_req, 11).a(kF_done, {11}).a(kF_status_src, {2}).a(kF_status_tag, {9});
  Model m = b.build();
  Analysis a;
  AnalysisContext ctx(m);
  make_race_detector()->run(ctx, a);
  ASSERT_EQ(a.findings.size(), 2u);
  std::map<FindingKind, const Finding*> by_kind;
  for (const Finding& f : a.findings) by_kind[f.kind] = &f;
  ASSERT_TRUE(by_kind.count(kKind_rma_conflict));
  EXPECT_EQ(by_kind[kKind_rma_conflict]->count, kEpochs);
  ASSERT_TRUE(by_kind.count(kKind_origin_buffer_conflict));
  const Finding& pending = *by_kind[kKind_origin_buffer_conflict];
  EXPECT_EQ(m.event(pending.accesses[0].event).call, kCall_Irecv);
  EXPECT_EQ(m.event(pending.accesses[1].event).call, kCall_Send);
}

}  // namespace
}  // namespace rmacheck
