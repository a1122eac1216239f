// The program's own loads and stores (load/store events from kRecLocal
// records) against RMA operations, on hand-built event streams.
#include <gtest/gtest.h>

#include "detectors/detector.h"
#include "log_builder.h"
#include "model/local_accesses.h"

namespace rmacheck {
namespace {

constexpr int64_t kInt = 6, kWin = 5, kBase = 0x10000;

LogBuilder two_ranks(int flavor = kWinAllocate) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) {
    b.call(r, kCall_Win_allocate, 1)
        .f(kF_new_win, kWin)
        .f(kF_win_flavor, flavor)
        .a(kF_members, {0, 1})
        .a(kF_win_bases, {kBase, kBase + 0x1000})
        .a(kF_win_sizes, {64, 64})
        .a(kF_win_units, {4, 4})
        .a(kF_win_local_bases, {kBase + 0x100000 * r, kBase + 0x100000 * r + 64});
    b.type(r, kInt, 4, 4, {{0, 4, static_cast<int32_t>(kInt)}}, kInt);
  }
  return b;
}

void fence(LogBuilder& b, int line) {
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, line).f(kF_win, kWin).f(kF_assert, 0);
}

void put(LogBuilder& b, int line, int64_t disp) {
  b.call(0, kCall_Put, line)
      .f(kF_win, kWin)
      .f(kF_target, 1)
      .f(kF_disp, disp)
      .f(kF_target_count, 1)
      .f(kF_target_type, kInt)
      .f(kF_origin_addr, 0x900000)
      .f(kF_origin_count, 1)
      .f(kF_origin_type, kInt);
}

void local(LogBuilder& b, int rank, CallId kind, int line, int64_t addr, int64_t size) {
  b.call(rank, kind, line).f(kF_addr, addr).f(kF_size, size).f(kF_access_count, 1);
}

std::vector<Finding> findings(Model m, FindingKind k) {
  std::vector<Finding> out;
  for (auto& f : run_detectors(m).findings)
    if (f.kind == k) out.push_back(f);
  return out;
}

TEST(LocalAccess, LoadInTheEpochOfARemotePutRaces) {
  LogBuilder b = two_ranks();
  fence(b, 2);
  put(b, 3, 2);                                               // rank 1's bytes [8,12)
  local(b, 1, kCall_Local_load, 4, kBase + 0x1000 + 8, 4);    // the same bytes
  local(b, 1, kCall_Local_store, 5, kBase + 0x1000 + 16, 4);  // other bytes: fine
  fence(b, 6);
  auto f = findings(b.build(), kKind_target_local_conflict);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].accesses.size(), 2u);
}

void lock(LogBuilder& b, int rank, int line) {
  b.call(rank, kCall_Win_lock, line).f(kF_win, kWin).f(kF_target, 1).f(kF_lock_type, kLockExclusive);
}
void unlock(LogBuilder& b, int rank, int line) { b.call(rank, kCall_Win_unlock, line).f(kF_win, kWin).f(kF_target, 1); }

// Open MPI's osc pt2pt locks lazily: rank 0's Win_lock returns at once and
// its Put is issued (buffered) while rank 1 holds the exclusive lock of its
// own window; the lock is taken inside rank 0's Unlock. The two exclusive
// epochs exclude each other, whatever order the calls were issued in
// (guard_lock_fixed.py was flagged in about 5 runs of 6).
TEST(LocalAccess, StoreUnderTheOwnersExclusiveLockDoesNotRaceALazyLockPut) {
  LogBuilder b = two_ranks();
  lock(b, 1, 2);
  lock(b, 0, 3);
  put(b, 4, 0);
  local(b, 1, kCall_Local_store, 5, kBase + 0x1000, 4);
  unlock(b, 1, 6);
  unlock(b, 0, 7);
  EXPECT_TRUE(findings(b.build(), kKind_target_local_conflict).empty());
}

TEST(LocalAccess, StoreWithoutTheLockRacesALockedPut) {
  LogBuilder b = two_ranks();
  lock(b, 0, 3);
  put(b, 4, 0);
  local(b, 1, kCall_Local_store, 5, kBase + 0x1000, 4);
  unlock(b, 0, 7);
  EXPECT_EQ(findings(b.build(), kKind_target_local_conflict).size(), 1u);
}

TEST(LocalAccess, LoadAfterTheClosingFenceIsOrdered) {
  LogBuilder b = two_ranks();
  fence(b, 2);
  put(b, 3, 2);
  fence(b, 4);
  local(b, 1, kCall_Local_load, 5, kBase + 0x1000 + 8, 4);
  EXPECT_TRUE(findings(b.build(), kKind_target_local_conflict).empty());
}

TEST(LocalAccess, StoreToAPendingPutsOriginBufferRaces) {
  LogBuilder b = two_ranks();
  fence(b, 2);
  put(b, 3, 0);
  local(b, 0, kCall_Local_store, 4, 0x900000, 4);  // the Put's origin buffer, before the fence
  local(b, 0, kCall_Local_load, 5, 0x900000, 4);   // reading it is allowed
  fence(b, 6);
  local(b, 0, kCall_Local_store, 7, 0x900000, 4);  // after completion: fine
  EXPECT_EQ(findings(b.build(), kKind_origin_buffer_conflict).size(), 1u);
}

TEST(LocalAccess, SharedSegmentOfAnotherRankIsThatRanksMemory) {
  LogBuilder b = two_ranks(kWinShared);
  b.call(0, kCall_Barrier, 2);
  b.call(1, kCall_Barrier, 2);
  // Rank 1 maps rank 0's segment at kBase + 0x100000; rank 0 reads its own at kBase.
  local(b, 1, kCall_Local_store, 3, kBase + 0x100000 + 4, 4);
  local(b, 0, kCall_Local_load, 4, kBase + 4, 4);
  auto f = findings(b.build(), kKind_target_local_conflict);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].accesses[0].target_rank, 0);
  EXPECT_EQ(f[0].accesses[1].target_rank, 0);
}

TEST(LocalAccess, NostoreFenceAfterAStoreIsAnAssertViolation) {
  LogBuilder b = two_ranks();
  fence(b, 2);
  local(b, 1, kCall_Local_store, 3, kBase + 0x1000, 4);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_fence, 4).f(kF_win, kWin).f(kF_assert, kModeNoStore);
  Model m = b.build();
  m.logs[1].instrumented.push_back("/app");
  auto f = findings(std::move(m), kKind_assert_violation);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].accesses[0].event.rank, 1);
}

TEST(GuardNotes, FaultCountsOfRanksThatDidNotFinishAreUnknownNotZero) {
  // The fault summary is logged at MPI_Finalize: a rank stopped before it has no count, and the
  // note must not call that "0 faults".
  LogBuilder b = two_ranks();
  fence(b, 2);
  Model m = b.build();
  const std::string settings = "openmpi=btl_vader_single_copy_mechanism=none\nfault_budget=64\n";
  m.logs[0].guard = settings + "faults=7\nopened_after_budget=0\n";
  m.logs[1].guard = settings;
  auto note_of = [](const Analysis& a) {
    for (const std::string& n : a.notes)
      if (n.find("loads and stores seen through guarded pages") != std::string::npos) return n;
    return std::string();
  };
  std::string note = note_of(run_detectors(m));
  EXPECT_NE(note.find("ranks 0,1: 7 faults (not counting rank 1, which did not reach MPI_Finalize)"), std::string::npos)
      << note;
  m.logs[0].guard = settings;
  note = note_of(run_detectors(m));
  EXPECT_NE(note.find("fault counts unknown (no rank reached MPI_Finalize"), std::string::npos) << note;
  EXPECT_EQ(note.find("0 faults"), std::string::npos) << note;
}

}  // namespace
}  // namespace rmacheck
