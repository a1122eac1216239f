// The call-traits table (interpose/log_format/call_traits.def): its rows
// agree with each other and with what the analyses need, the calls the hand
// lists used to disagree about, and what the analyses now do with them
// (persistent collectives order, collective communicator calls count as
// collectives for fence mismatches).
#include <gtest/gtest.h>

#include <set>

#include "call_traits.h"
#include "detectors/detector.h"
#include "log_builder.h"
#include "model/happens_before.h"
#include "model/request_tracker.h"

namespace rmacheck {

std::unique_ptr<Detector> make_fence_mismatch_detector();

namespace {

std::vector<CallId> all_calls() {
  std::vector<CallId> v;
  for (int c = 0; c < kCallCount; ++c) v.push_back(static_cast<CallId>(c));
  return v;
}

const HandleArg* handle(const CallTraits& t, FieldId f) {
  for (const HandleArg& h : t.handles)
    if (h.field == f) return &h;
  return nullptr;
}

const BufferArg* buffer(const CallTraits& t, FieldId addr) {
  for (const BufferArg& b : t.buffers)
    if (b.addr == addr) return &b;
  return nullptr;
}

// ---- the table itself ----

TEST(CallTraits, EveryCallHasItsOwnRowAndItsArgumentRows) {
  for (CallId c : all_calls()) {
    const CallTraits& t = call_traits(c);
    EXPECT_EQ(t.id, c) << call_name(c);
    for (const BufferArg& b : t.buffers) EXPECT_EQ(b.call, c) << call_name(c);
    for (const HandleArg& h : t.handles) EXPECT_EQ(h.call, c) << call_name(c);
    for (const RankArg& r : t.ranks) EXPECT_EQ(r.call, c) << call_name(c);
    for (const TagArg& g : t.tags) EXPECT_EQ(g.call, c) << call_name(c);
  }
  EXPECT_EQ(call_traits(kCallCount).role, CallRole::kNone);  // out of range: harmless
}

TEST(CallTraits, CallsThatMakeRequestsLogTheNewRequest) {
  for (CallId c : all_calls()) {
    const CallTraits& t = call_traits(c);
    const HandleArg* made = handle(t, kF_new_req);
    const bool makes = t.completion == Completion::kRequest || t.completion == Completion::kPersistent;
    EXPECT_EQ(made != nullptr, makes) << call_name(c);
    if (made) EXPECT_EQ(made->use, HandleUse::kCreate) << call_name(c);
  }
}

TEST(CallTraits, RmaCallsNameWindowTargetAndBothSides) {
  int rma = 0;
  for (CallId c : all_calls()) {
    const CallTraits& t = call_traits(c);
    if (!t.is_rma()) continue;
    ++rma;
    ASSERT_NE(handle(t, kF_win), nullptr) << call_name(c);
    const RankArg* target = t.rank(kF_target);
    ASSERT_NE(target, nullptr) << call_name(c);
    EXPECT_EQ(target->group, RankGroup::kWindowGroup);
    EXPECT_TRUE(target->allowed & kProcNullOk) << call_name(c);
    ASSERT_NE(buffer(t, kF_disp), nullptr) << call_name(c);
    ASSERT_NE(buffer(t, kF_origin_addr), nullptr) << call_name(c);
    EXPECT_TRUE(t.completion == Completion::kEpoch || t.completion == Completion::kRequest) << call_name(c);
    EXPECT_EQ(t.is_accumulate(), handle(t, kF_op) != nullptr || t.role == CallRole::kCompareAndSwap) << call_name(c);
  }
  EXPECT_EQ(rma, 10);  // Put, Get, Accumulate, Get_accumulate, Fetch_and_op, Compare_and_swap and the four R* calls
}

TEST(CallTraits, PointToPointRanksAndTags) {
  for (CallId c : all_calls()) {
    const CallTraits& t = call_traits(c);
    if (t.sends()) {
      ASSERT_NE(t.rank(kF_peer), nullptr) << call_name(c);
      EXPECT_EQ(t.rank(kF_peer)->allowed, kProcNullOk) << call_name(c);
      ASSERT_EQ(t.tags.size() >= 1, true) << call_name(c);
      EXPECT_EQ(t.tags.begin()->field, kF_tag) << call_name(c);
      EXPECT_FALSE(t.tags.begin()->allowed & kAnyTagOk) << call_name(c);  // MPI_ANY_TAG on a send is an error
    }
    // A partitioned receive names its source and tag: no wildcards (MPI-4.0 section 4.2.2).
    const bool wildcards = c != kCall_Precv_init;
    if (t.receives() || t.role == CallRole::kProbe || t.role == CallRole::kMatchedProbe) {
      ASSERT_NE(t.rank(kF_recv_peer), nullptr) << call_name(c);
      EXPECT_EQ(t.rank(kF_recv_peer)->allowed, wildcards ? kProcNullOk | kAnySourceOk : kProcNullOk) << call_name(c);
    }
    for (const TagArg& g : t.tags)
      EXPECT_EQ(g.field == kF_recv_tag && wildcards, (g.allowed & kAnyTagOk) != 0) << call_name(c);
  }
}

TEST(CallTraits, CollectiveShapesAreThoseOfTheStandard) {
  std::set<CallId> all_to_all, root_to_all, all_to_root, prefix;
  for (CallId c : all_calls()) {
    const CallTraits& t = call_traits(c);
    if (t.family == CallFamily::kCollective) {
      EXPECT_EQ(t.collective, Collective::kComm) << call_name(c);
      EXPECT_NE(t.shape, CollectiveShape::kNoOrder) << call_name(c);
      EXPECT_EQ(t.rank(kF_root) != nullptr,
                t.shape == CollectiveShape::kRootToAll || t.shape == CollectiveShape::kAllToRoot)
          << call_name(c);
    } else if (t.role != CallRole::kFence) {
      EXPECT_EQ(t.shape, CollectiveShape::kNoOrder) << call_name(c);
    }
    if (t.shape == CollectiveShape::kAllToAll) all_to_all.insert(c);
    if (t.shape == CollectiveShape::kRootToAll) root_to_all.insert(c);
    if (t.shape == CollectiveShape::kAllToRoot) all_to_root.insert(c);
    if (t.shape == CollectiveShape::kPrefix) prefix.insert(c);
  }
  EXPECT_EQ(root_to_all, (std::set<CallId>{kCall_Bcast, kCall_Scatter, kCall_Scatterv, kCall_Ibcast, kCall_Iscatter,
                                           kCall_X_Bcast_init}));
  EXPECT_EQ(all_to_root, (std::set<CallId>{kCall_Reduce, kCall_Gather, kCall_Gatherv, kCall_Ireduce, kCall_Igather,
                                           kCall_X_Reduce_init}));
  EXPECT_EQ(prefix, (std::set<CallId>{kCall_Scan, kCall_Exscan, kCall_Iscan}));
  EXPECT_TRUE(all_to_all.count(kCall_Win_fence));
  EXPECT_TRUE(all_to_all.count(kCall_X_Barrier_init));
  EXPECT_TRUE(all_to_all.count(kCall_X_Allreduce_init));
}

// The hand lists disagreed: one did not count these as collective.
TEST(CallTraits, CommunicatorConstructorsAreCollective) {
  for (CallId c : {kCall_Cart_sub, kCall_Intercomm_create, kCall_Intercomm_merge, kCall_Comm_dup, kCall_Comm_split,
                   kCall_Cart_create, kCall_Comm_create, kCall_Comm_free, kCall_Win_create, kCall_Win_free}) {
    EXPECT_TRUE(call_traits(c).is_collective()) << call_name(c);
    EXPECT_TRUE(call_traits(c).waits_for_partners()) << call_name(c);
  }
  EXPECT_EQ(call_traits(kCall_Comm_create_group).collective, Collective::kGroup);
  for (CallId c : {kCall_Comm_group, kCall_Group_incl, kCall_Type_commit, kCall_Win_lock, kCall_Send, kCall_Wait})
    EXPECT_FALSE(call_traits(c).is_collective()) << call_name(c);
  EXPECT_FALSE(call_traits(kCall_Ibarrier).waits_for_partners());  // nonblocking: returns at once
  EXPECT_TRUE(call_traits(kCall_X_Barrier_init).waits_for_partners());
}

TEST(CallTraits, EveryObjectKindHasOneFreeCall) {
  for (HandleKind k : {HandleKind::kWin, HandleKind::kDatatype, HandleKind::kComm, HandleKind::kGroup, HandleKind::kOp,
                       HandleKind::kRequest}) {
    int frees = 0, creates = 0;
    for (CallId c : all_calls())
      for (const HandleArg& h : call_traits(c).handles) {
        if (h.kind != k) continue;
        frees += h.use == HandleUse::kFree;
        creates += h.use == HandleUse::kCreate;
      }
    EXPECT_EQ(frees, 1) << static_cast<int>(k);
    EXPECT_GT(creates, 0) << static_cast<int>(k);
  }
}

TEST(CallTraits, UpdatesTargetFollowsTheOp) {
  EXPECT_TRUE(call_traits(kCall_Put).updates_target(kOp_MPI_OP_NULL));
  EXPECT_FALSE(call_traits(kCall_Rget).updates_target(kOp_MPI_OP_NULL));
  EXPECT_TRUE(call_traits(kCall_Accumulate).updates_target(kOp_MPI_SUM));
  EXPECT_FALSE(call_traits(kCall_Fetch_and_op).updates_target(kOp_MPI_NO_OP));
  EXPECT_TRUE(call_traits(kCall_Compare_and_swap).updates_target(-1));
  EXPECT_FALSE(call_traits(kCall_Win_fence).updates_target(kOp_MPI_SUM));
}

// ---- what the analyses do with it ----

// MPIX persistent collectives order like their nonblocking twins, at the
// completion of each started instance (the hand list gave them no edge).
TEST(CallTraits, StartedPersistentBcastOrdersRootBeforeOthers) {
  LogBuilder b(3);
  for (int r = 0; r < 3; ++r) {
    const int64_t req = 10 + r;
    b.call(r, kCall_X_Bcast_init, 2).f(kF_comm, 1).f(kF_root, 1).f(kF_new_req, req);  // event 0
    for (int k = 0; k < 2; ++k) {
      b.call(r, kCall_Start, 3).a(kF_req, {req});                   // events 1, 3
      b.call(r, kCall_Wait, 4).a(kF_req, {req}).a(kF_done, {req});  // events 2, 4
    }
  }
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  // The root's k-th start before the others' k-th completion, not before their start.
  EXPECT_TRUE(hb.ordered(entry_node(1, 1), exit_node(0, 2)));
  EXPECT_TRUE(hb.ordered(entry_node(1, 3), exit_node(2, 4)));
  EXPECT_FALSE(hb.ordered(entry_node(1, 1), exit_node(0, 1)));
  EXPECT_FALSE(hb.ordered(entry_node(1, 3), exit_node(0, 2)));  // the 2nd instance does not order the 1st
  // Not the other way round, and not at the init call.
  EXPECT_FALSE(hb.ordered(entry_node(0, 1), exit_node(1, 2)));
  EXPECT_FALSE(hb.ordered(entry_node(1, 0), exit_node(0, 0)));
}

TEST(CallTraits, StartallOfPersistentCollectivesOrdersEach) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) {
    b.call(r, kCall_X_Barrier_init, 2).f(kF_comm, 1).f(kF_new_req, 1);                // event 0
    b.call(r, kCall_X_Allreduce_init, 3).f(kF_comm, 1).f(kF_op, 3).f(kF_new_req, 2);  // event 1
    b.call(r, kCall_Startall, 4).a(kF_reqs, {1, 2});                                  // event 2
    b.call(r, kCall_Waitall, 5).a(kF_reqs, {1, 2}).a(kF_done, {r == 0 ? 1 : 2});      // event 3: one done
    b.call(r, kCall_Waitall, 6).a(kF_reqs, {1, 2}).a(kF_done, {r == 0 ? 2 : 1});      // event 4: the other
  }
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  // Each rank's start happens before the other's completion of each collective.
  EXPECT_TRUE(hb.ordered(entry_node(0, 2), exit_node(1, 3)));
  EXPECT_TRUE(hb.ordered(entry_node(1, 2), exit_node(0, 3)));
  EXPECT_FALSE(hb.ordered(exit_node(0, 2), exit_node(1, 2)));
}

// A rank blocked in a collective communicator call instead of its last fence
// makes a fence mismatch (the hand list missed Cart_sub and the intercommunicator calls).
TEST(CallTraits, FenceMismatchSeesARankBlockedInCartSub) {
  for (CallId blocked : {kCall_Cart_sub, kCall_Intercomm_create, kCall_Intercomm_merge}) {
    LogBuilder b(2);
    for (int r = 0; r < 2; ++r)
      b.call(r, kCall_Win_allocate, 2).f(kF_new_win, 7).a(kF_members, {0, 1}).f(kF_win_flavor, kWinAllocate);
    for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, 3).f(kF_win, 7);
    b.call(0, kCall_Win_fence, 4).f(kF_win, 7).unreturned();
    b.call(1, blocked, 5).f(kF_comm, 1).unreturned();
    b.timed_out(5);
    Model m = b.build();
    Analysis a;
    AnalysisContext ctx(m);
    make_fence_mismatch_detector()->run(ctx, a);
    ASSERT_EQ(a.findings.size(), 1u) << call_name(blocked);
    EXPECT_EQ(a.findings[0].kind, kKind_fence_mismatch);
    EXPECT_NE(a.findings[0].message.find(std::string("rank 1 in ") + call_name(blocked)), std::string::npos)
        << a.findings[0].message;
    EXPECT_TRUE(a.notes.empty());
  }
}

// A rank blocked in a call that is not collective stopped before it could catch up: only a note.
TEST(CallTraits, FenceMismatchIsOnlyANoteForARankBlockedInALocalCall) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r)
    b.call(r, kCall_Win_allocate, 2).f(kF_new_win, 7).a(kF_members, {0, 1}).f(kF_win_flavor, kWinAllocate);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, 3).f(kF_win, 7);
  b.call(0, kCall_Win_fence, 4).f(kF_win, 7).unreturned();
  b.call(1, kCall_Recv, 5).f(kF_comm, 1).unreturned();
  b.timed_out(5);
  Model m = b.build();
  Analysis a;
  AnalysisContext ctx(m);
  make_fence_mismatch_detector()->run(ctx, a);
  EXPECT_TRUE(a.findings.empty());
  EXPECT_EQ(a.notes.size(), 1u);
}

// ---- named encodings ----

TEST(LogFormat, InvalidRanksDecodeToWhatTheProgramPassed) {
  for (int64_t given : {int64_t{-1}, int64_t{-3}, int64_t{0}, int64_t{4}, int64_t{INT32_MIN}, int64_t{INT32_MAX}}) {
    const int64_t logged = encode_invalid_rank(given);
    EXPECT_TRUE(is_invalid_rank(logged)) << given;
    EXPECT_EQ(invalid_rank_as_given(logged), given);
    EXPECT_LT(logged, kRankProcNull);
  }
  for (int64_t v : {kRankAny, kRankProcNull, int64_t{0}, int64_t{5}, int64_t{-999}, int64_t{-1003}})
    EXPECT_FALSE(is_invalid_rank(v)) << v;
}

TEST(HappensBefore, NodesOfAnEvent) {
  EXPECT_EQ(event_of(entry_node(2, 7)), 7u);
  EXPECT_EQ(event_of(exit_node(2, 7)), 7u);
  EXPECT_FALSE(is_exit(entry_node(0, 3)));
  EXPECT_TRUE(is_exit(exit_node(0, 3)));
  EXPECT_LT(exit_node(0, 3).index, entry_node(0, 4).index);
}

// A rank's sends match in issue order, a nonblocking one before a later blocking one on the same tag
// (they used to be gathered apart, blocking first).
TEST(MessageMatching, NonblockingAndBlockingSendsMatchInIssueOrder) {
  LogBuilder b(2);
  b.call(0, kCall_Isend, 2).f(kF_comm, 1).f(kF_peer, 1).f(kF_tag, 5).f(kF_new_req, 3);  // event 0
  b.call(0, kCall_Send, 3).f(kF_comm, 1).f(kF_peer, 1).f(kF_tag, 5);                    // event 1
  b.call(0, kCall_Wait, 4).a(kF_req, {3}).a(kF_done, {3});                              // event 2
  b.call(1, kCall_Recv, 5).f(kF_comm, 1).f(kF_status_src, 0).f(kF_status_tag, 5);       // event 0: the Isend's
  b.call(1, kCall_Recv, 6).f(kF_comm, 1).f(kF_status_src, 0).f(kF_status_tag, 5);       // event 1: the Send's
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(entry_node(0, 0), exit_node(1, 0)));
  EXPECT_FALSE(hb.ordered(entry_node(0, 1), exit_node(1, 0)));
  EXPECT_TRUE(hb.ordered(entry_node(0, 1), exit_node(1, 1)));
  EXPECT_TRUE(hb.warnings().empty());
}

}  // namespace
}  // namespace rmacheck
