// The epoch state machine (analyzer/epoch_tracker.h) and the epoch,
// fence-mismatch and invalid-rma-arg detectors, on hand-built event streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "detectors/detector.h"
#include "detectors/epoch_wording.h"
#include "log_builder.h"
#include "model/epoch_tracker.h"
#include "report/report.h"

namespace rmacheck {

std::unique_ptr<Detector> make_epoch_detector();
std::unique_ptr<Detector> make_fence_mismatch_detector();
std::unique_ptr<Detector> make_rma_argument_detector();

namespace {

int32_t basic(const char* name) {
  static const char* const names[] = {
#define RMACHECK_BASIC_TYPE(handle, n) n,
#include "basic_types.def"
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (!std::strcmp(names[i], name)) return static_cast<int32_t>(i);
  ADD_FAILURE() << "no basic type " << name;
  return -1;
}

const int64_t W = 7;  // window id

// A window of `n` ranks: `size` bytes each, disp_unit `unit`.
void window(LogBuilder& b, int n, int64_t size = 64, int64_t unit = 4, int flavor = kWinAllocate) {
  std::vector<int64_t> members, bases, sizes, units;
  for (int r = 0; r < n; ++r) {
    members.push_back(r);
    bases.push_back(0x10000 * (r + 1));
    sizes.push_back(size);
    units.push_back(unit);
  }
  for (int r = 0; r < n; ++r)
    b.call(r, flavor == kWinDynamic ? kCall_Win_create_dynamic : kCall_Win_allocate, 2)
        .f(kF_new_win, W)
        .a(kF_members, members)
        .a(kF_win_bases, bases)
        .a(kF_win_sizes, sizes)
        .a(kF_win_units, units)
        .f(kF_win_flavor, flavor);
}

EventBuilder fence(LogBuilder& b, int r, int line, int assert_bits = 0) {
  return b.call(r, kCall_Win_fence, line).f(kF_win, W).f(kF_assert, assert_bits);
}
// An RMA call; fields may not be given twice (the first one wins), hence all the arguments.
EventBuilder rma(LogBuilder& b, CallId c, int r, int64_t target, int line, int64_t disp = 0, int64_t ocount = 1,
                 int64_t otype = -1, int64_t tcount = 1, int64_t ttype = -1) {
  if (otype < 0) otype = basic("MPI_INT");
  if (ttype < 0) ttype = basic("MPI_INT");
  return b.call(r, c, line)
      .f(kF_win, W)
      .f(kF_target, target)
      .f(kF_disp, disp)
      .f(kF_target_count, tcount)
      .f(kF_target_type, ttype)
      .f(kF_origin_count, ocount)
      .f(kF_origin_type, otype);
}
EventBuilder put(LogBuilder& b, int r, int64_t target, int line, int64_t disp = 0) {
  return rma(b, kCall_Put, r, target, line, disp);
}
EventBuilder lock(LogBuilder& b, int r, int64_t target, int line, int type = kLockExclusive, int assert_bits = 0) {
  return b.call(r, kCall_Win_lock, line)
      .f(kF_win, W)
      .f(kF_target, target)
      .f(kF_lock_type, type)
      .f(kF_assert, assert_bits);
}
EventBuilder unlock(LogBuilder& b, int r, int64_t target, int line) {
  return b.call(r, kCall_Win_unlock, line).f(kF_win, W).f(kF_target, target);
}
EventBuilder simple(LogBuilder& b, CallId c, int r, int line) { return b.call(r, c, line).f(kF_win, W); }
EventBuilder group_call(LogBuilder& b, CallId c, int r, int line, std::vector<int64_t> group, int assert_bits = 0) {
  return b.call(r, c, line).f(kF_win, W).a(kF_group, std::move(group)).f(kF_assert, assert_bits);
}
void int_types(LogBuilder& b, int n) {
  for (int r = 0; r < n; ++r) {
    b.type(r, basic("MPI_INT"), 4, 4, {{0, 4, basic("MPI_INT")}}, basic("MPI_INT"));
    b.type(r, basic("MPI_DOUBLE"), 8, 8, {{0, 8, basic("MPI_DOUBLE")}}, basic("MPI_DOUBLE"));
  }
}

// The tracker's issues as the epoch detector reports them (code and finding).
struct Worded {
  std::string code;
  Finding finding;
};
std::vector<Worded> worded(const Model& m, const EpochTracker& t) {
  std::vector<Worded> w;
  for (const EpochIssue& is : t.issues()) {
    Finding f = epoch_issue_finding(m, t, is);
    w.push_back({code_info(f.code).code, f});
  }
  return w;
}

std::vector<std::string> codes(const Model& m, const EpochTracker& t) {
  std::vector<std::string> c;
  for (const Worded& e : worded(m, t)) c.push_back(e.code);
  return c;
}

std::vector<int> lines(const Model& m, const Finding& f) {
  std::vector<int> l;
  for (const Access& a : f.accesses) l.push_back(static_cast<int>(m.view(a.event).get_or(kF_py_line, -1)));
  return l;
}

Analysis run_one(std::unique_ptr<Detector> d, const Model& m) {
  Analysis a;
  AnalysisContext ctx(m);
  d->run(ctx, a);
  return a;
}

std::vector<const Finding*> of_kind(const Analysis& a, FindingKind k) {
  std::vector<const Finding*> v;
  for (const Finding& f : a.findings)
    if (f.kind == k) v.push_back(&f);
  return v;
}

// ---------------------------------------------------------------- fences

TEST(EpochTracker, FenceEpochOpensLazilyAtTheFirstRmaAndClosesAtTheNextFence) {
  LogBuilder b(2);
  window(b, 2);
  for (int r = 0; r < 2; ++r) fence(b, r, 10);
  EventRef p = put(b, 0, 1, 11).ref();
  for (int r = 0; r < 2; ++r) fence(b, r, 12);
  for (int r = 0; r < 2; ++r) fence(b, r, 13);  // nothing follows: no epoch
  for (int r = 0; r < 2; ++r) simple(b, kCall_Win_free, r, 14);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty()) << worded(m, t)[0].finding.message;
  ASSERT_EQ(t.epochs().size(), 1u);  // only rank 0 issued RMA
  const Epoch& e = t.epochs()[0];
  EXPECT_EQ(e.kind, EpochKind::kFence);
  EXPECT_EQ(e.rank, 0);
  EXPECT_EQ(e.fence_index, 1);
  EXPECT_EQ(m.view(e.open).get_or(kF_py_line, 0), 10);
  ASSERT_TRUE(e.close.has_value());
  EXPECT_EQ(m.view(*e.close).get_or(kF_py_line, 0), 12);
  ASSERT_EQ(e.rma_count, 1u);
  EXPECT_EQ(t.epoch_of(p), &e);
  EXPECT_EQ(t.fences(0, W).size(), 3u);
  EXPECT_EQ(t.fences(1, W).size(), 3u);
}

TEST(EpochTracker, RmaWithoutAnyEpochIsMissingEpoch) {
  LogBuilder b(2);
  window(b, 2);
  EventRef p = put(b, 0, 1, 5).ref();
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"rma-without-epoch"});
  const std::vector<Worded> w = worded(m, t);
  const Finding& f = w[0].finding;
  EXPECT_EQ(f.kind, kKind_missing_epoch);
  ASSERT_EQ(f.accesses.size(), 1u);
  EXPECT_EQ(f.accesses[0].event, p);
  EXPECT_EQ(f.accesses[0].target_rank, 1);
  EXPECT_EQ(f.window, "win#0");
  EXPECT_EQ(t.epoch_of(p), nullptr);
}

TEST(EpochTracker, ProcNullTargetsAreNoOps) {
  LogBuilder b(2);
  window(b, 2);
  put(b, 0, static_cast<int>(kRankProcNull), 5);
  lock(b, 0, static_cast<int>(kRankProcNull), 6);
  unlock(b, 0, static_cast<int>(kRankProcNull), 7);
  b.call(0, kCall_Win_flush, 8).f(kF_win, W).f(kF_target, kRankProcNull);
  put(b, 0, encode_invalid_rank(5), 9);  // invalid rank: left to invalid-rma-arg
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty());
}

TEST(EpochTracker, RmaAfterNosucceedFenceIsMissingEpochWithoutALaterFence) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4, kModeNoSucceed);
  put(b, 0, 1, 5);
  simple(b, kCall_Win_free, 0, 6);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"rma-after-nosucceed"});
  EXPECT_EQ(worded(m, t)[0].finding.kind, kKind_missing_epoch);
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{5, 4}));
}

TEST(EpochTracker, RmaAfterNosucceedFenceFollowedByAFenceIsAssertViolation) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4, kModeNoSucceed);
  put(b, 0, 1, 5);
  fence(b, 0, 6);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"rma-after-nosucceed"});
  EXPECT_EQ(worded(m, t)[0].finding.kind, kKind_assert_violation);
  EXPECT_NE(worded(m, t)[0].finding.message.find("MPI_MODE_NOSUCCEED"), std::string::npos);
}

TEST(EpochTracker, RmaToTargetOutsideTheStartGroup) {
  LogBuilder b(3);
  window(b, 3);
  group_call(b, kCall_Win_start, 0, 4, {1});
  put(b, 0, 1, 5);
  EventRef bad = put(b, 0, 2, 6).ref();
  simple(b, kCall_Win_complete, 0, 7);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"target-not-in-start-group"});
  EXPECT_EQ(worded(m, t)[0].finding.accesses[0].event, bad);
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{6, 4}));
  ASSERT_EQ(t.epochs().size(), 1u);
  EXPECT_EQ(t.epochs()[0].kind, EpochKind::kAccess);
  EXPECT_EQ(t.epochs()[0].rma_count, 1u);
}

TEST(EpochTracker, RmaToATargetThatIsNotLocked) {
  LogBuilder b(3);
  window(b, 3);
  lock(b, 0, 1, 4);
  put(b, 0, 2, 5);
  unlock(b, 0, 1, 6);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"target-not-locked"});
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{5, 4}));
}

TEST(EpochTracker, RmaAfterUnlockPointsAtTheUnlock) {
  LogBuilder b(2);
  window(b, 2);
  lock(b, 0, 1, 4);
  put(b, 0, 1, 5);
  unlock(b, 0, 1, 6);
  b.call(0, kCall_Get, 7).f(kF_win, W).f(kF_target, 1);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"rma-after-epoch-closed"});
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{7, 6}));
}

// ---------------------------------------------------------------- passive target

TEST(EpochTracker, LockEpochsCoverTheirTargetOnly) {
  LogBuilder b(3);
  window(b, 3);
  lock(b, 0, 1, 4, kLockShared);
  lock(b, 0, 2, 5);  // locks on different targets may be held together
  EventRef p1 = put(b, 0, 1, 6).ref();
  put(b, 0, 2, 7);
  b.call(0, kCall_Win_flush, 8).f(kF_win, W).f(kF_target, 1);
  b.call(0, kCall_Win_flush_local_all, 9).f(kF_win, W);
  unlock(b, 0, 2, 10);
  unlock(b, 0, 1, 11);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty()) << worded(m, t)[0].finding.message;
  ASSERT_EQ(t.epochs().size(), 2u);
  const Epoch* e = t.epoch_of(p1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, EpochKind::kLock);
  EXPECT_EQ(e->target, 1);
  EXPECT_EQ(e->lock_type, kLockShared);
  EXPECT_EQ(m.view(*e->close).get_or(kF_py_line, 0), 11);
  EXPECT_TRUE(e->covers(1));
  EXPECT_FALSE(e->covers(2));
}

TEST(EpochTracker, LockAllCoversEveryTarget) {
  LogBuilder b(3);
  window(b, 3);
  simple(b, kCall_Win_lock_all, 0, 4).f(kF_assert, kModeNoCheck);
  put(b, 0, 1, 5);
  rma(b, kCall_Fetch_and_op, 0, 2, 6).f(kF_op, kOp_MPI_SUM);
  b.call(0, kCall_Win_flush, 7).f(kF_win, W).f(kF_target, 2);
  simple(b, kCall_Win_flush_all, 0, 8);
  simple(b, kCall_Win_unlock_all, 0, 9);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty());
  ASSERT_EQ(t.epochs().size(), 1u);
  EXPECT_EQ(t.epochs()[0].kind, EpochKind::kLockAll);
  EXPECT_EQ(t.epochs()[0].rma_count, 2u);
  EXPECT_EQ(t.epochs()[0].assert_bits, kModeNoCheck);
}

TEST(EpochTracker, NestedLockOnOneTargetAndTheExtraUnlock) {
  LogBuilder b(2);
  window(b, 2);
  lock(b, 0, 1, 4);
  lock(b, 0, 1, 5, kLockShared);
  put(b, 0, 1, 6);
  unlock(b, 0, 1, 7);
  unlock(b, 0, 1, 8);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), (std::vector<std::string>{"nested-lock", "unlock-without-lock"}));
  EXPECT_EQ(worded(m, t)[0].finding.kind, kKind_epoch_mismatch);
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{4, 5}));
  EXPECT_EQ(lines(m, worded(m, t)[1].finding), (std::vector<int>{8, 7}));  // released by the earlier unlock
}

TEST(EpochTracker, LockWhileLockAllAndLockAllTwiceAndLockAllWhileLocked) {
  LogBuilder b(3);
  window(b, 3);
  simple(b, kCall_Win_lock_all, 0, 4);
  lock(b, 0, 1, 5);
  simple(b, kCall_Win_lock_all, 0, 6);
  unlock(b, 0, 1, 7);
  simple(b, kCall_Win_unlock_all, 0, 8);
  lock(b, 1, 2, 9);
  simple(b, kCall_Win_lock_all, 1, 10);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_EQ(codes(m, t), (std::vector<std::string>{"lock-in-lock-all", "nested-lock-all", "lock-all-in-lock"}));
}

TEST(EpochTracker, UnlockWithoutLockVariants) {
  LogBuilder b(3);
  window(b, 3);
  unlock(b, 0, 1, 4);  // nothing held
  lock(b, 0, 2, 5);
  unlock(b, 0, 1, 6);  // the lock is on another target
  unlock(b, 0, 2, 7);
  simple(b, kCall_Win_lock_all, 1, 8);
  unlock(b, 1, 0, 9);  // lock_all needs unlock_all
  simple(b, kCall_Win_unlock_all, 1, 10);
  simple(b, kCall_Win_unlock_all, 1, 11);  // twice
  simple(b, kCall_Win_unlock_all, 2, 12);  // never locked
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_EQ(codes(m, t), (std::vector<std::string>{"unlock-without-lock", "unlock-other-target", "unlock-in-lock-all",
                                                   "unlock-all-without-lock-all", "unlock-all-without-lock-all"}));
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), std::vector<int>{4});
  EXPECT_EQ(lines(m, worded(m, t)[1].finding), (std::vector<int>{6, 5}));
  EXPECT_EQ(lines(m, worded(m, t)[2].finding), (std::vector<int>{9, 8}));
  EXPECT_EQ(lines(m, worded(m, t)[3].finding), (std::vector<int>{11, 10}));
  EXPECT_EQ(lines(m, worded(m, t)[4].finding), std::vector<int>{12});
}

TEST(EpochTracker, FlushNeedsAPassiveTargetEpochOnItsTarget) {
  LogBuilder b(3);
  window(b, 3);
  b.call(0, kCall_Win_flush, 4).f(kF_win, W).f(kF_target, 1);  // no lock at all
  lock(b, 0, 1, 5);
  b.call(0, kCall_Win_flush_local, 6).f(kF_win, W).f(kF_target, 2);  // lock on 1, flush 2
  simple(b, kCall_Win_flush_all, 0, 7);                              // fine: a lock is held
  unlock(b, 0, 1, 8);
  fence(b, 1, 9);
  put(b, 1, 2, 10);
  simple(b, kCall_Win_flush_all, 1, 11);  // inside a fence epoch
  fence(b, 1, 12);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t),
            (std::vector<std::string>{"flush-outside-passive", "flush-outside-passive", "flush-outside-passive"}));
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), std::vector<int>{4});
  EXPECT_EQ(lines(m, worded(m, t)[1].finding), (std::vector<int>{6, 5}));
  EXPECT_EQ(lines(m, worded(m, t)[2].finding), (std::vector<int>{11, 9}));
}

TEST(EpochTracker, CallsThatReturnedAnErrorChangeNothing) {
  LogBuilder b(2);
  window(b, 2);
  lock(b, 0, 1, 4).rc(47);  // failed: no epoch
  put(b, 0, 1, 5);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"rma-without-epoch"});
  EXPECT_NE(worded(m, t)[0].finding.message.find("outside any access epoch"), std::string::npos);
}

// ---------------------------------------------------------------- PSCW

TEST(EpochTracker, PscwAccessAndExposureEpochs) {
  LogBuilder b(2);
  window(b, 2);
  group_call(b, kCall_Win_post, 1, 4, {0});
  group_call(b, kCall_Win_start, 0, 5, {1});
  EventRef p = put(b, 0, 1, 6).ref();
  simple(b, kCall_Win_complete, 0, 7);
  simple(b, kCall_Win_test, 1, 8).f(kF_flag, 0);
  simple(b, kCall_Win_test, 1, 9).f(kF_flag, 1);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty());
  ASSERT_EQ(t.epochs().size(), 2u);
  const Epoch* a = t.epoch_of(p);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, EpochKind::kAccess);
  EXPECT_EQ(a->group, std::vector<int>{1});
  const Epoch& x = t.epochs()[t.epochs_of(1, W).at(0)];
  EXPECT_EQ(x.kind, EpochKind::kExposure);
  EXPECT_EQ(m.view(*x.close).get_or(kF_py_line, 0), 9);  // the successful test
}

TEST(EpochTracker, PscwCallsWithoutTheirPartner) {
  LogBuilder b(2);
  window(b, 2);
  simple(b, kCall_Win_complete, 0, 4);
  simple(b, kCall_Win_wait, 1, 5);
  simple(b, kCall_Win_test, 1, 6);
  group_call(b, kCall_Win_post, 1, 7, {0});
  group_call(b, kCall_Win_post, 1, 8, {0});
  simple(b, kCall_Win_wait, 1, 9);
  simple(b, kCall_Win_wait, 1, 10);
  group_call(b, kCall_Win_start, 0, 11, {1});
  group_call(b, kCall_Win_start, 0, 12, {1});
  simple(b, kCall_Win_complete, 0, 13);
  simple(b, kCall_Win_complete, 0, 14);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_EQ(codes(m, t),
            (std::vector<std::string>{"complete-without-start", "nested-start", "complete-without-start",
                                      "wait-without-post", "test-without-post", "nested-post", "wait-without-post"}));
  // Ranks are walked in order: rank 0's errors first.
  EXPECT_EQ(lines(m, worded(m, t)[2].finding), (std::vector<int>{14, 13}));
  EXPECT_EQ(lines(m, worded(m, t)[6].finding), (std::vector<int>{10, 9}));
}

TEST(EpochTracker, LockAndStartDoNotNest) {
  LogBuilder b(3);
  window(b, 3);
  group_call(b, kCall_Win_start, 0, 4, {1});
  lock(b, 0, 2, 5);
  simple(b, kCall_Win_lock_all, 0, 6);
  unlock(b, 0, 2, 7);
  simple(b, kCall_Win_unlock_all, 0, 8);
  simple(b, kCall_Win_complete, 0, 9);
  lock(b, 1, 2, 10);
  group_call(b, kCall_Win_start, 1, 11, {2});
  Model m = b.build();
  EpochTracker t(m);
  // The lock_all at 6 meets both the start and the lock taken at 5.
  EXPECT_EQ(codes(m, t),
            (std::vector<std::string>{"lock-in-start", "lock-all-in-lock", "lock-all-in-start", "start-in-lock"}));
}

// ---------------------------------------------------------------- mixing fences with other epochs

TEST(EpochTracker, FenceThenLockEpochThenWinFreeIsLegal) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4);
  lock(b, 0, 1, 5);
  put(b, 0, 1, 6);
  unlock(b, 0, 1, 7);
  simple(b, kCall_Win_free, 0, 8);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty()) << worded(m, t)[0].finding.message;
}

TEST(EpochTracker, LockEpochBetweenTwoFencesWithRmaMixesEpochs) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4);
  lock(b, 0, 1, 5);
  put(b, 0, 1, 6);
  unlock(b, 0, 1, 7);
  fence(b, 0, 8);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"lock-in-fence-epoch"});
  EXPECT_EQ(worded(m, t)[0].finding.kind, kKind_epoch_mismatch);
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{4, 5, 8}));
  // Still an error (MPI-3.1 11.5), but the message says which assertion makes the program correct.
  const std::string msg = worded(m, t)[0].finding.message;
  EXPECT_NE(msg.find("correct when that first fence is MPI_Win_fence(MPI_MODE_NOSUCCEED"), std::string::npos) << msg;
}

TEST(EpochTracker, NosucceedBeforeOrNoprecedeAfterALockEpochIsLegal) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 3, kModeNoPrecede);
  put(b, 0, 1, 4);
  fence(b, 0, 5, kModeNoSucceed);
  lock(b, 0, 1, 6);
  put(b, 0, 1, 7);
  unlock(b, 0, 1, 8);
  fence(b, 0, 9);  // follows a NOSUCCEED fence: ends no epoch
  simple(b, kCall_Win_lock_all, 0, 10);
  put(b, 0, 1, 11);
  simple(b, kCall_Win_unlock_all, 0, 12);
  fence(b, 0, 13, kModeNoPrecede);  // promises to complete nothing: the RMA belonged to lock_all
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty()) << worded(m, t)[0].finding.message;
}

TEST(EpochTracker, LockInsideAnOpenFenceEpochIsReportedOnce) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4);
  put(b, 0, 1, 5);
  lock(b, 0, 1, 6);
  unlock(b, 0, 1, 7);
  fence(b, 0, 8);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"lock-in-fence-epoch"});
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{4, 5, 6}));
}

TEST(EpochTracker, StartAndLockAllInsideFenceEpochs) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4);
  group_call(b, kCall_Win_start, 0, 5, {1});
  put(b, 0, 1, 6);
  simple(b, kCall_Win_complete, 0, 7);
  fence(b, 0, 8);
  put(b, 0, 1, 9);
  simple(b, kCall_Win_lock_all, 0, 10);
  simple(b, kCall_Win_unlock_all, 0, 11);
  fence(b, 0, 12, kModeNoSucceed);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_EQ(codes(m, t), (std::vector<std::string>{"Win_start-in-fence-epoch", "lock_all-in-fence-epoch"}));
}

TEST(EpochTracker, AFenceInsideALockOpenedInAFenceEpochIsOneError) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4);
  lock(b, 0, 1, 5);
  put(b, 0, 1, 6);
  fence(b, 0, 7);
  unlock(b, 0, 1, 8);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"fence-in-lock"});
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{5, 7}));
}

TEST(EpochTracker, FenceInsideOtherEpochs) {
  LogBuilder b(2);
  window(b, 2);
  lock(b, 0, 1, 4);
  fence(b, 0, 5);
  unlock(b, 0, 1, 6);
  simple(b, kCall_Win_lock_all, 0, 7);
  fence(b, 0, 8);
  simple(b, kCall_Win_unlock_all, 0, 9);
  group_call(b, kCall_Win_start, 0, 10, {1});
  fence(b, 0, 11);
  simple(b, kCall_Win_complete, 0, 12);
  group_call(b, kCall_Win_post, 0, 13, {1});
  fence(b, 0, 14);
  simple(b, kCall_Win_wait, 0, 15);
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_EQ(codes(m, t),
            (std::vector<std::string>{"fence-in-lock", "fence-in-lock-all", "fence-in-start", "fence-in-post"}));
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{4, 5}));
}

// ---------------------------------------------------------------- unclosed epochs

TEST(EpochTracker, EpochsOpenAtWinFreeAndFinalize) {
  LogBuilder b(3);
  window(b, 3);
  lock(b, 0, 1, 4);
  put(b, 0, 1, 5);
  simple(b, kCall_Win_free, 0, 6);
  fence(b, 1, 7);
  put(b, 1, 2, 8);
  simple(b, kCall_Win_free, 1, 9);
  simple(b, kCall_Win_lock_all, 2, 10);
  group_call(b, kCall_Win_post, 2, 11, {0});
  b.call(2, kCall_Finalize, 12);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t),
            (std::vector<std::string>{"unclosed-lock", "unclosed-fence", "unclosed-lock_all", "unclosed-Win_post"}));
  for (const Worded& e : worded(m, t)) EXPECT_EQ(e.finding.kind, kKind_unclosed_epoch);
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{4, 6}));
  EXPECT_EQ(lines(m, worded(m, t)[1].finding), (std::vector<int>{7, 9}));
  EXPECT_EQ(lines(m, worded(m, t)[2].finding), (std::vector<int>{10, 12}));
  EXPECT_NE(worded(m, t)[2].finding.message.find("MPI_Finalize"), std::string::npos);
  const Epoch& e = t.epochs()[0];
  ASSERT_TRUE(e.left_open_at.has_value());
  EXPECT_FALSE(e.close.has_value());
}

TEST(EpochTracker, EpochsOpenWhenAHungRunWasStopped) {
  LogBuilder b(2);
  window(b, 2);
  lock(b, 0, 1, 4);
  put(b, 0, 1, 5);
  b.call(0, kCall_Barrier, 6).f(kF_comm, 1).unreturned();
  lock(b, 1, 0, 7);
  unlock(b, 1, 0, 8).unreturned();  // a blocked closing call still closes
  b.timed_out(5);
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(codes(m, t), std::vector<std::string>{"unclosed-lock"});
  EXPECT_EQ(lines(m, worded(m, t)[0].finding), (std::vector<int>{4, 6}));
  EXPECT_NE(worded(m, t)[0].finding.message.find("when the run was stopped"), std::string::npos);
}

TEST(EpochTracker, EpochsOpenWhenARunDiedAreOnlyANote) {
  LogBuilder b(2);
  window(b, 2);
  lock(b, 0, 1, 4);
  b.call(0, kCall_Barrier, 6).f(kF_comm, 1).unreturned();
  Model m = b.build();
  EpochTracker t(m);
  EXPECT_TRUE(worded(m, t).empty());
  ASSERT_EQ(t.open_at_death().size(), 1u);
}

TEST(EpochTracker, AFailedRmaCallIsExplainedAsTheCallTheJobDiedIn) {
  LogBuilder b(2);
  window(b, 2);
  put(b, 0, 1, 5).unreturned();
  Model m = b.build();
  EpochTracker t(m);
  ASSERT_EQ(worded(m, t).size(), 1u);
  EXPECT_NE(worded(m, t)[0].finding.message.find("the job ended inside this call"), std::string::npos);
}

// ---------------------------------------------------------------- fence-mismatch detector

TEST(FenceMismatch, CountsPerRankAndWhyTheRunHung) {
  LogBuilder b(4);
  window(b, 4);
  for (int r = 0; r < 2; ++r) {
    fence(b, r, 20);
    put(b, r, (r + 1) % 4, 21);
    fence(b, r, 22).unreturned();
  }
  for (int r = 2; r < 4; ++r) simple(b, kCall_Win_free, r, 30).unreturned();
  b.timed_out(8);
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto fm = of_kind(a, kKind_fence_mismatch);
  ASSERT_EQ(fm.size(), 1u);
  const Finding& f = *fm[0];
  EXPECT_EQ(lines(m, f), (std::vector<int>{22, 22, 30, 30}));
  EXPECT_NE(f.message.find("ranks 0,1 2 times, ranks 2,3 0 times"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("ranks 2,3 in MPI_Win_free"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("this is why the run hung"), std::string::npos) << f.message;
  EXPECT_EQ(f.details["fence_counts"].size(), 4u);
  auto hang = of_kind(a, kKind_hang);
  ASSERT_EQ(hang.size(), 1u);
  EXPECT_NE(hang[0]->message.find("rank 0 in MPI_Win_fence (its 2nd on win#0)"), std::string::npos) << hang[0]->message;
  EXPECT_NE(hang[0]->message.find("rank 2 in MPI_Win_free on win#0"), std::string::npos) << hang[0]->message;
  EXPECT_TRUE(of_kind(a, kKind_unclosed_epoch).empty());  // the blocked fences closed the epochs

  nlohmann::json report = build_report(m, a);
  int mismatches = 0;
  for (const auto& j : report["findings"])
    if (j["kind"] == "fence-mismatch") {
      ++mismatches;
      EXPECT_EQ(j["ranks"], nlohmann::json({0, 1, 2, 3}));
    }
  EXPECT_EQ(mismatches, 1);
}

TEST(FenceMismatch, EqualCountsAreFine) {
  LogBuilder b(2);
  window(b, 2);
  for (int r = 0; r < 2; ++r) {
    fence(b, r, 4);
    fence(b, r, 5);
    simple(b, kCall_Win_free, r, 6);
  }
  Model m = b.build();
  EXPECT_TRUE(run_one(make_fence_mismatch_detector(), m).findings.empty());
}

TEST(FenceMismatch, ARankThatStoppedEarlierIsNotAMismatch) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4).unreturned();
  b.call(1, kCall_Recv, 5).f(kF_comm, 1).unreturned();  // stuck elsewhere, not past the fence
  b.timed_out(5);
  Model m = b.build();
  Analysis a = run_one(make_fence_mismatch_detector(), m);
  EXPECT_TRUE(a.findings.empty());
  EXPECT_EQ(a.notes.size(), 1u);
}

TEST(FenceMismatch, CompletedRunWithAMissingFence) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4);
  fence(b, 0, 5, kModeNoSucceed);
  fence(b, 1, 4);
  simple(b, kCall_Win_free, 0, 6);
  simple(b, kCall_Win_free, 1, 6);
  Model m = b.build();
  Analysis a = run_one(make_fence_mismatch_detector(), m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{5, 6}));
  EXPECT_EQ(a.findings[0].message.find("hung"), std::string::npos);
}

// ---------------------------------------------------------------- epoch detector, across ranks

TEST(EpochDetector, NoprecedeWithRmaPendingFromAnyMember) {
  LogBuilder b(2);
  window(b, 2);
  for (int r = 0; r < 2; ++r) fence(b, r, 4, kModeNoPrecede);
  put(b, 1, 0, 5);
  for (int r = 0; r < 2; ++r) fence(b, r, 6, kModeNoPrecede);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_assert_violation);
  ASSERT_EQ(v.size(), 2u);  // the fence of each rank, merged by the report
  EXPECT_EQ(lines(m, *v[0]), (std::vector<int>{6, 5}));
  EXPECT_EQ(v[1]->accesses[0].event.rank, 1);
}

TEST(EpochDetector, NoputWithPutsIntoTheWindowButNotGetsOrNoOpFetches) {
  LogBuilder b(3);
  window(b, 3);
  for (int r = 0; r < 3; ++r) fence(b, r, 4, r == 0 ? kModeNoPut : 0);
  rma(b, kCall_Get, 1, 0, 5);
  rma(b, kCall_Fetch_and_op, 1, 0, 6).f(kF_op, kOp_MPI_NO_OP);
  rma(b, kCall_Accumulate, 2, 0, 7).f(kF_op, kOp_MPI_SUM);
  put(b, 2, 1, 8);  // into rank 1: allowed
  for (int r = 0; r < 3; ++r) fence(b, r, 9, kModeNoSucceed);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_assert_violation);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(lines(m, *v[0]), (std::vector<int>{4, 7}));
  EXPECT_EQ(v[0]->accesses[1].target_rank, 0);
}

TEST(EpochDetector, NosucceedMustBeGivenByAllMembers) {
  LogBuilder b(2);
  window(b, 2);
  fence(b, 0, 4, kModeNoSucceed);
  fence(b, 1, 4);
  put(b, 1, 0, 5);
  fence(b, 0, 6);
  fence(b, 1, 6);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_assert_violation);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(lines(m, *v[0]), (std::vector<int>{4, 5}));
}

TEST(EpochDetector, StartAndPostGroupsMustMatch) {
  LogBuilder b(3);
  window(b, 3);
  group_call(b, kCall_Win_post, 0, 4, {1});  // forgets rank 2
  group_call(b, kCall_Win_start, 1, 5, {0});
  group_call(b, kCall_Win_start, 2, 5, {0});
  put(b, 1, 0, 6);
  put(b, 2, 0, 6);
  simple(b, kCall_Win_complete, 1, 7);
  simple(b, kCall_Win_complete, 2, 7).unreturned();
  simple(b, kCall_Win_wait, 0, 8);
  simple(b, kCall_Win_free, 0, 9).unreturned();
  b.timed_out(5);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_epoch_mismatch);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(lines(m, *v[0]), (std::vector<int>{5, 4}));
  EXPECT_EQ(v[0]->accesses[0].event.rank, 2);
  EXPECT_NE(v[0]->message.find("exposes its window only to rank 1"), std::string::npos) << v[0]->message;
}

TEST(EpochDetector, PostWithNoputAndPutsFromTheOrigin) {
  LogBuilder b(2);
  window(b, 2);
  group_call(b, kCall_Win_post, 1, 4, {0}, kModeNoPut);
  group_call(b, kCall_Win_start, 0, 5, {1});
  put(b, 0, 1, 6);
  simple(b, kCall_Win_complete, 0, 7);
  simple(b, kCall_Win_wait, 1, 8);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_assert_violation);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(lines(m, *v[0]), (std::vector<int>{4, 6}));
}

TEST(EpochDetector, StartWithNocheckBeforeThePost) {
  LogBuilder b(2);
  window(b, 2);
  group_call(b, kCall_Win_start, 0, 5, {1}, kModeNoCheck);  // returns before the post is even called
  group_call(b, kCall_Win_post, 1, 4, {0}, kModeNoCheck);
  simple(b, kCall_Win_complete, 0, 7);
  simple(b, kCall_Win_wait, 1, 8);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_assert_violation);
  ASSERT_EQ(v.size(), 2u);  // the start's promise and the post's promise are both broken
}

TEST(EpochDetector, LockingAWindowWhileItsOwnerExposesIt) {
  LogBuilder b(3);
  window(b, 3);
  group_call(b, kCall_Win_post, 0, 4, {1});
  lock(b, 2, 0, 5, kLockShared);
  unlock(b, 2, 0, 6);
  group_call(b, kCall_Win_start, 1, 7, {0});
  simple(b, kCall_Win_complete, 1, 8);
  simple(b, kCall_Win_wait, 0, 9);
  lock(b, 2, 0, 10);  // after the wait: fine
  unlock(b, 2, 0, 11);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_epoch_mismatch);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(lines(m, *v[0]), (std::vector<int>{5, 4}));
}

TEST(EpochDetector, NocheckLockWhileAnotherOriginRequestsAConflictingLock) {
  LogBuilder b(3);
  window(b, 3);
  lock(b, 0, 2, 4, kLockExclusive, kModeNoCheck);
  lock(b, 1, 2, 5, kLockShared).unreturned();  // requested while rank 0 holds it
  unlock(b, 0, 2, 6);
  // Later, a NOCHECK lock nobody contends.
  lock(b, 0, 1, 7, kLockExclusive, kModeNoCheck);
  unlock(b, 0, 1, 8);
  b.timed_out(3);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  auto v = of_kind(a, kKind_assert_violation);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(lines(m, *v[0]), (std::vector<int>{4, 5}));
}

TEST(EpochDetector, SharedNocheckLocksDoNotConflict) {
  LogBuilder b(3);
  window(b, 3);
  lock(b, 0, 2, 4, kLockShared, kModeNoCheck);
  lock(b, 1, 2, 5, kLockShared);
  unlock(b, 0, 2, 6);
  unlock(b, 1, 2, 7);
  Model m = b.build();
  EXPECT_TRUE(run_one(make_epoch_detector(), m).findings.empty());
}

TEST(EpochDetector, NostoreIsANote) {
  LogBuilder b(1);
  window(b, 1);
  fence(b, 0, 4, kModeNoStore);
  Model m = b.build();
  Analysis a = run_one(make_epoch_detector(), m);
  EXPECT_TRUE(a.findings.empty());
  ASSERT_EQ(a.notes.size(), 1u);
  EXPECT_NE(a.notes[0].find("NOSTORE"), std::string::npos);
}

// ---------------------------------------------------------------- invalid-rma-arg

TEST(RmaArguments, TargetRankOutsideTheWindowGroup) {
  LogBuilder b(2);
  window(b, 2);
  int_types(b, 2);
  lock(b, 0, encode_invalid_rank(5), 4);
  put(b, 0, encode_invalid_rank(5), 5);
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  ASSERT_EQ(a.findings.size(), 2u);
  EXPECT_EQ(a.findings[1].kind, kKind_invalid_rma_arg);
  EXPECT_NE(a.findings[1].message.find("target rank 5"), std::string::npos) << a.findings[1].message;
  EXPECT_NE(a.findings[1].message.find("0..1"), std::string::npos) << a.findings[1].message;
}

// A negative target (rank - 1 on rank 0) is as invalid as one past the end; it was once logged as -999 and lost.
TEST(RmaArguments, NegativeTargetRankIsOutsideTheWindowGroup) {
  LogBuilder b(2);
  window(b, 2);
  int_types(b, 2);
  fence(b, 0, 3);
  rma(b, kCall_Get, 0, encode_invalid_rank(-1), 4);
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].kind, kKind_invalid_rma_arg);
  EXPECT_EQ(a.findings[0].code, kCode_bad_target_rank);
  EXPECT_NE(a.findings[0].message.find("names target rank -1,"), std::string::npos) << a.findings[0].message;
  EpochTracker t(m);
  EXPECT_TRUE(t.issues().empty());  // no epoch finding on top: the rank is the mistake
}

TEST(RmaArguments, AccessPastTheEndOfTheTargetsWindowUsesTheTargetsDispUnit) {
  LogBuilder b(2);
  window(b, 2, /*size=*/16, /*unit=*/4);
  int_types(b, 2);
  b.type(0, 1000, 8, 12, {{0, 4, basic("MPI_INT")}, {8, 4, basic("MPI_INT")}});  // ints at 0 and 8
  put(b, 0, 1, 4, /*disp=*/3);                                                   // [12,16): fits
  put(b, 0, 1, 5, /*disp=*/4);                                                   // [16,20): past the end
  rma(b, kCall_Get, 0, 1, 6, 1, 2, -1, 1, 1000);                                 // [4,16): fits
  rma(b, kCall_Get, 0, 1, 7, 2, 2, -1, 1, 1000);                                 // [8,20)
  put(b, 0, 1, 8, -1);                                                           // negative
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  ASSERT_EQ(a.findings.size(), 3u);
  EXPECT_EQ(lines(m, a.findings[0]), std::vector<int>{5});
  EXPECT_EQ(a.findings[0].accesses[0].lo, 16);
  EXPECT_EQ(a.findings[0].accesses[0].hi, 20);
  EXPECT_EQ(a.findings[0].accesses[0].access, "write");
  EXPECT_EQ(lines(m, a.findings[1]), std::vector<int>{7});
  EXPECT_EQ(a.findings[1].accesses[0].access, "read");
  EXPECT_EQ(lines(m, a.findings[2]), std::vector<int>{8});
}

TEST(RmaArguments, TypeSignaturesMustMatch) {
  LogBuilder b(2);
  window(b, 2, 64, 1);
  int_types(b, 2);
  b.type(0, basic("MPI_INT32_T"), 4, 4, {{0, 4, basic("MPI_INT32_T")}}, basic("MPI_INT32_T"));
  b.type(0, basic("MPI_BYTE"), 1, 1, {{0, 1, basic("MPI_BYTE")}}, basic("MPI_BYTE"));
  b.type(0, 1001, 8, 8, {{0, 4, basic("MPI_INT")}, {4, 4, basic("MPI_INT")}});  // contiguous 2 ints
  rma(b, kCall_Put, 0, 1, 4, 0, 1, basic("MPI_DOUBLE"));                        // double -> int
  rma(b, kCall_Put, 0, 1, 5, 0, 1, basic("MPI_INT32_T"));                       // same representation
  rma(b, kCall_Put, 0, 1, 6, 0, 4, basic("MPI_BYTE"));                          // bytes: compared by size
  rma(b, kCall_Put, 0, 1, 7, 0, 2, -1, 1, 1001);                                // 2 ints = 2 ints
  rma(b, kCall_Put, 0, 1, 8, 0, 3, -1, 1, 1001);                                // 3 ints != 2 ints
  rma(b, kCall_Get_accumulate, 0, 1, 9, 0, 1, basic("MPI_DOUBLE"))
      .f(kF_op, kOp_MPI_NO_OP)
      .f(kF_result_count, 1)
      .f(kF_result_type, basic("MPI_INT"));  // origin ignored with NO_OP
  rma(b, kCall_Get_accumulate, 0, 1, 10)
      .f(kF_op, kOp_MPI_SUM)
      .f(kF_result_count, 1)
      .f(kF_result_type, basic("MPI_DOUBLE"));  // result mismatch
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  std::vector<int> got;
  for (const Finding& f : a.findings) got.push_back(lines(m, f)[0]);
  EXPECT_EQ(got, (std::vector<int>{4, 8, 10}));
  EXPECT_NE(a.findings[0].message.find("1 x MPI_DOUBLE"), std::string::npos) << a.findings[0].message;
  EXPECT_NE(a.findings[2].message.find("result data"), std::string::npos) << a.findings[2].message;
}

TEST(RmaArguments, AccumulateOpsAndDatatypes) {
  LogBuilder b(2);
  window(b, 2, 64, 1);
  int_types(b, 2);
  b.type(0, 1002, 12, 12, {{0, 4, basic("MPI_INT")}, {4, 8, basic("MPI_DOUBLE")}});  // struct {int; double}
  rma(b, kCall_Accumulate, 0, 1, 4).f(kF_op, kUserOpBase);
  rma(b, kCall_Raccumulate, 0, 1, 5).f(kF_op, kOp_MPI_NO_OP);
  rma(b, kCall_Fetch_and_op, 0, 1, 6).f(kF_op, kOp_MPI_NO_OP);  // fine
  rma(b, kCall_Accumulate, 0, 1, 7, 0, 1, 1002, 1, 1002).f(kF_op, kOp_MPI_REPLACE);
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  std::vector<std::string> got;
  for (const Finding& f : a.findings) got.push_back(code_info(f.code).code);
  EXPECT_EQ(got, (std::vector<std::string>{"user-op", "no-op-in-accumulate", "mixed-accumulate-type"}));
}

TEST(RmaArguments, DynamicWindowsNeedAnAttachedRegion) {
  LogBuilder b(2);
  window(b, 2, 0, 1, kWinDynamic);
  int_types(b, 2);
  b.call(1, kCall_Win_attach, 3).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 16);
  put(b, 0, 1, 4, 0x5000 + 12);  // inside
  put(b, 0, 1, 5, 0x5000 + 14);  // straddles the end
  put(b, 0, 1, 6, 0x9000);       // nowhere
  b.call(1, kCall_Win_detach, 7).f(kF_win, W).f(kF_addr, 0x5000);
  put(b, 0, 1, 8, 0x5000);  // after the detach
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  ASSERT_EQ(a.findings.size(), 3u);
  EXPECT_EQ(lines(m, a.findings[0]), std::vector<int>{5});
  EXPECT_EQ(lines(m, a.findings[1]), std::vector<int>{6});
  EXPECT_EQ(lines(m, a.findings[2]), (std::vector<int>{8, 7}));
  EXPECT_NE(a.findings[2].message.find("detached"), std::string::npos);
}

// Calls of a loop share one field run in a log the reader reads (share_seen_run): a run judged clean
// once is not judged again, except on a dynamic window, where the same Put is fine while the region is
// attached and not after its detach.
TEST(RmaArguments, ASharedRunOnADynamicWindowIsJudgedAgain) {
  LogBuilder b(2);
  window(b, 2, 0, 1, kWinDynamic);
  int_types(b, 2);
  b.call(1, kCall_Win_attach, 3).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 16);
  const EventRef first = put(b, 0, 1, 4, 0x5000).ref();  // inside
  b.call(1, kCall_Win_detach, 5).f(kF_win, W).f(kF_addr, 0x5000);
  const EventRef again = put(b, 0, 1, 4, 0x5000).ref();  // the same call, after the detach
  Model m = b.build();
  LogBuilder::share_fields(m, first, again);
  Analysis a = run_one(make_rma_argument_detector(), m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].accesses[0].event, again);
  EXPECT_NE(a.findings[0].message.find("detached"), std::string::npos) << a.findings[0].message;
}

// Ranks' clocks differ (6.6 us between two ranks of one machine): an attach that the program orders
// before the Put (here by a barrier, as an Allgather of the addresses does) covers it whatever the
// clocks say, and so does a detach ordered after it; only calls nothing orders are compared by time.
TEST(RmaArguments, AttachAndDetachAreOrderedBySynchronizationNotByClocks) {
  {  // rank 1's clock 1000 ahead: its attach reads "after" rank 0's Put
    LogBuilder b(2);
    window(b, 2, 0, 1, kWinDynamic);
    int_types(b, 2);
    b.call(1, kCall_Win_attach, 3).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 16).at(3000, 3001);
    b.call(1, kCall_Barrier, 4).f(kF_comm, 1).at(3002, 3100);
    b.call(0, kCall_Barrier, 4).f(kF_comm, 1).at(2000, 2100);
    put(b, 0, 1, 5, 0x5000).at(2200, 2201);
    Model m = b.build();
    Analysis a = run_one(make_rma_argument_detector(), m);
    for (const Finding& f : a.findings) ADD_FAILURE() << f.message;
  }
  {  // rank 1's clock 1000 behind: its detach reads "before" rank 0's Put
    LogBuilder b(2);
    window(b, 2, 0, 1, kWinDynamic);
    int_types(b, 2);
    b.call(1, kCall_Win_attach, 3).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 16).at(900, 901);
    b.call(1, kCall_Barrier, 4).f(kF_comm, 1).at(1000, 1100);
    b.call(0, kCall_Barrier, 4).f(kF_comm, 1).at(2000, 2100);
    put(b, 0, 1, 5, 0x5000).at(2200, 2201);
    b.call(0, kCall_Barrier, 6).f(kF_comm, 1).at(2300, 2400);
    b.call(1, kCall_Barrier, 6).f(kF_comm, 1).at(1150, 1400);
    b.call(1, kCall_Win_detach, 7).f(kF_win, W).f(kF_addr, 0x5000).at(1401, 1402);
    put(b, 0, 1, 8, 0x5000).at(2500, 2501);  // ordered with nothing of rank 1's after barrier 6: by time, detached
    Model m = b.build();
    Analysis a = run_one(make_rma_argument_detector(), m);
    ASSERT_EQ(a.findings.size(), 1u);
    EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{8, 7}));
  }
  {  // rank 1's clock 1000 behind: its attach reads "before" a Put that the program orders before it
    LogBuilder b(2);
    window(b, 2, 0, 1, kWinDynamic);
    int_types(b, 2);
    put(b, 0, 1, 3, 0x5000).at(2000, 2001);
    b.call(0, kCall_Barrier, 4).f(kF_comm, 1).at(2100, 2200);
    b.call(1, kCall_Barrier, 4).f(kF_comm, 1).at(1000, 1200);
    b.call(1, kCall_Win_attach, 5).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 16).at(1300, 1301);
    Model m = b.build();
    Analysis a = run_one(make_rma_argument_detector(), m);
    ASSERT_EQ(a.findings.size(), 1u);
    EXPECT_EQ(lines(m, a.findings[0]), std::vector<int>{3});
  }
}

// Regions by address: each attach is undone by the first detach of its address after it; attaching
// an address again makes a new region, and attaching it twice before a detach makes two.
TEST(RmaArguments, RegionsAttachedAgainAndTwice) {
  LogBuilder b(2);
  window(b, 2, 0, 1, kWinDynamic);
  int_types(b, 2);
  b.call(1, kCall_Win_attach, 3).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 16);
  b.call(1, kCall_Win_detach, 4).f(kF_win, W).f(kF_addr, 0x5000);
  put(b, 0, 1, 5, 0x5000);  // detached
  b.call(1, kCall_Win_attach, 6).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 8);
  put(b, 0, 1, 7, 0x5004);  // inside the second attach
  put(b, 0, 1, 8, 0x500c);  // inside the first region only, which is gone
  b.call(1, kCall_Win_attach, 9).f(kF_win, W).f(kF_addr, 0x6000).f(kF_size, 4);
  b.call(1, kCall_Win_attach, 10).f(kF_win, W).f(kF_addr, 0x6000).f(kF_size, 8);
  b.call(1, kCall_Win_detach, 11).f(kF_win, W).f(kF_addr, 0x6000);
  put(b, 0, 1, 12, 0x6004);  // both regions at 0x6000 are detached
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  ASSERT_EQ(a.findings.size(), 3u);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{5, 4}));
  EXPECT_EQ(lines(m, a.findings[1]), (std::vector<int>{8, 4}));
  EXPECT_EQ(lines(m, a.findings[2]), (std::vector<int>{12, 11}));
}

TEST(EpochDetectors, CorrectProgramsGetNoFindings) {
  // fence epochs, passive target and PSCW, all closed, all in the window.
  LogBuilder b(2);
  window(b, 2);
  int_types(b, 2);
  for (int r = 0; r < 2; ++r) fence(b, r, 4, kModeNoPrecede);
  for (int r = 0; r < 2; ++r) put(b, r, 1 - r, 5);
  for (int r = 0; r < 2; ++r) fence(b, r, 6, kModeNoSucceed);
  lock(b, 0, 1, 7);
  rma(b, kCall_Accumulate, 0, 1, 8).f(kF_op, kOp_MPI_SUM);
  unlock(b, 0, 1, 9);
  b.call(0, kCall_Barrier, 10).f(kF_comm, 1);
  b.call(1, kCall_Barrier, 10).f(kF_comm, 1);
  group_call(b, kCall_Win_post, 1, 11, {0});
  group_call(b, kCall_Win_start, 0, 12, {1});
  rma(b, kCall_Get, 0, 1, 13);
  simple(b, kCall_Win_complete, 0, 14);
  simple(b, kCall_Win_wait, 1, 15);
  for (int r = 0; r < 2; ++r) simple(b, kCall_Win_free, r, 16);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Finalize, 17);
  Model m = b.build();
  Analysis a;
  AnalysisContext ctx(m);
  for (auto make : {make_epoch_detector, make_fence_mismatch_detector, make_rma_argument_detector}) make()->run(ctx, a);
  for (const Finding& f : a.findings) ADD_FAILURE() << f.message;
}

// ---- issue 9: no false alarms ----

// One access across two adjacent attached regions: MPI leaves it open, a warning; with a gap between the
// regions it is still an error.
TEST(RmaArguments, AnAccessSpanningAdjacentRegionsIsAPortabilityWarning) {
  for (int64_t second : {0x5010, 0x5020}) {
    LogBuilder b(2);
    window(b, 2, 0, 1, kWinDynamic);
    int_types(b, 2);
    b.call(1, kCall_Win_attach, 3).f(kF_win, W).f(kF_addr, 0x5000).f(kF_size, 16);
    b.call(1, kCall_Win_attach, 4).f(kF_win, W).f(kF_addr, second).f(kF_size, 16);
    rma(b, kCall_Put, 0, 1, 5, 0x5008, 4, -1, 4);  // 16 bytes from 0x5008: into the second region if adjacent
    Model m = b.build();
    Analysis a = run_one(make_rma_argument_detector(), m);
    ASSERT_EQ(a.findings.size(), 1u) << "second region at " << second;
    if (second == 0x5010) {
      EXPECT_EQ(a.findings[0].kind, kKind_rma_portability);
      EXPECT_STREQ(code_info(a.findings[0].code).code, "spans-regions");
      EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{5, 3, 4}));
    } else {
      EXPECT_EQ(a.findings[0].kind, kKind_invalid_rma_arg);
      EXPECT_STREQ(code_info(a.findings[0].code).code, "not-attached");
    }
  }
}

// Pair types are logged as one block of their own code; their type signature is their two halves.
TEST(RmaArguments, PairTypesMatchTheirHalves) {
  LogBuilder b(2);
  window(b, 2, 64, 1);
  int_types(b, 2);
  const int32_t two_int = basic("MPI_2INT"), float_int = basic("MPI_FLOAT_INT");
  b.type(0, two_int, 8, 8, {{0, 8, two_int}}, two_int);
  b.type(0, float_int, 8, 8, {{0, 8, float_int}}, float_int);
  b.type(0, 1002, 24, 24, {{0, 24, float_int}});                      // contiguous(3, MPI_FLOAT_INT)
  rma(b, kCall_Put, 0, 1, 4, 0, 2, two_int, 4, basic("MPI_INT"));     // 2 pairs = 4 ints: fine
  rma(b, kCall_Put, 0, 1, 5, 0, 1, two_int, 1, basic("MPI_DOUBLE"));  // int,int vs double
  rma(b, kCall_Accumulate, 0, 1, 6, 0, 1, 1002, 3, float_int).f(kF_op, kOp_MPI_REPLACE);  // pairs are predefined
  rma(b, kCall_Accumulate, 0, 1, 7, 0, 2, two_int, 2, two_int).f(kF_op, kOp_MPI_MAXLOC);
  Model m = b.build();
  Analysis a = run_one(make_rma_argument_detector(), m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(lines(m, a.findings[0]), std::vector<int>{5});
  EXPECT_STREQ(code_info(a.findings[0].code).code, "origin-target-type-mismatch");
}

}  // namespace
}  // namespace rmacheck
