// Threads of one rank as program orders of their own (rma-semantics.md
// section 7): per-thread happens-before lanes, the edges thread
// synchronization records give (model/thread_order.cpp), which pending RMA
// operations a flush of another thread completes, and the race detector on
// threaded ranks.
#include <gtest/gtest.h>

#include "detectors/detector.h"
#include "log_builder.h"
#include "model/happens_before.h"
#include "model/thread_order.h"

namespace rmacheck {
namespace {

constexpr int64_t kInt = 6;
constexpr int64_t kWin = 5;
constexpr int64_t kBase = 0x10000;
constexpr int64_t kMutex = 0x7000;

LogBuilder with_window(int n) {
  LogBuilder b(n);
  b.window_on_every_rank(kWin, kWinAllocate, kBase, 64, 1, 1);
  for (int r = 0; r < n; ++r) {
    b.basic_type(r, kInt, 4);
  }
  return b;
}

EventBuilder sync(LogBuilder& b, int rank, int64_t thread, CallId kind, int64_t object, int64_t count) {
  return b.call(rank, kind, 0)
      .thread(thread)
      .f(kF_sync_object, object)
      .f(kF_sync_count, count)
      .f(kF_sync_by_runtime, kSyncPthread);
}

EventBuilder put(LogBuilder& b, int rank, int64_t thread, int line, int target, int64_t disp) {
  return b.call(rank, kCall_Put, line)
      .thread(thread)
      .f(kF_win, kWin)
      .f(kF_target, target)
      .f(kF_disp, disp)
      .f(kF_target_count, 1)
      .f(kF_target_type, kInt)
      .f(kF_origin_addr, 0x900000 + 64 * line)
      .f(kF_origin_count, 1)
      .f(kF_origin_type, kInt);
}

std::vector<Finding> rma_races(Model& m) {
  Analysis a = run_detectors(m);
  std::vector<Finding> out;
  for (auto& f : a.findings)
    if (f.kind == kKind_rma_conflict) out.push_back(f);
  return out;
}

// Rank 0's main thread (0) creates thread 1; both lock_all, Put, flush.
// Thread 1 creates nothing: the create token is the only edge unless `mutex`.
Model two_threads_put(bool mutex) {
  LogBuilder b = with_window(2);
  b.call(0, kCall_Win_lock_all, 2).f(kF_win, kWin).f(kF_assert, 0);
  sync(b, 0, 0, kCall_Thread_release, kSyncTokenBase, 1);  // pthread_create
  sync(b, 0, 1, kCall_Thread_acquire, kSyncTokenBase, 1);  // the child starts
  if (mutex) sync(b, 0, 1, kCall_Thread_acquire, kMutex, 0);
  put(b, 0, 1, 10, 1, 0);
  b.call(0, kCall_Win_flush, 11).thread(1).f(kF_win, kWin).f(kF_target, 1);
  if (mutex) sync(b, 0, 1, kCall_Thread_release, kMutex, 1);
  if (mutex) sync(b, 0, 0, kCall_Thread_acquire, kMutex, 1);
  put(b, 0, 0, 20, 1, 0);
  b.call(0, kCall_Win_flush, 21).f(kF_win, kWin).f(kF_target, 1);
  if (mutex) sync(b, 0, 0, kCall_Thread_release, kMutex, 2);
  sync(b, 0, 1, kCall_Thread_release, 0x5000, 1);  // the child ends
  sync(b, 0, 0, kCall_Thread_acquire, 0x5000, 1);  // pthread_join
  b.call(0, kCall_Win_unlock_all, 30).f(kF_win, kWin);
  b.call(1, kCall_Barrier, 40).f(kF_comm, 1);
  return b.build();
}

TEST(ThreadOrder, ThreadsOfOneRankAreLanesOfTheirOwn) {
  Model m = two_threads_put(false);
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  // Win_create, lock_all on thread 0; the create record (event 2) happens before the child's start (event 3).
  EXPECT_NE(hb.lane_of(entry_node(0, 1)), hb.lane_of(entry_node(0, 4)));
  EXPECT_TRUE(hb.ordered(exit_node(0, 2), entry_node(0, 3)));
  EXPECT_TRUE(hb.ordered(exit_node(0, 1), entry_node(0, 4)));  // lock_all before the child's Put
  // The child's Put (4) and flush (5) are not ordered with the main thread's Put (6) ...
  EXPECT_FALSE(hb.ordered(exit_node(0, 5), entry_node(0, 6)));
  EXPECT_FALSE(hb.ordered(exit_node(0, 6), entry_node(0, 4)));
  // ... until the join: the child's end (8) before the join's return (9) and the unlock (10).
  EXPECT_TRUE(hb.ordered(exit_node(0, 5), entry_node(0, 10)));
  // Rank 1 has one thread: one lane, program order as before.
  EXPECT_TRUE(hb.ordered(entry_node(1, 0), exit_node(1, 1)));
}

TEST(ThreadOrder, UnorderedThreadsPuttingToOneOffsetRace) {
  Model m = two_threads_put(false);
  const std::vector<Finding> f = rma_races(m);
  ASSERT_EQ(f.size(), 1u) << (f.empty() ? "" : f[0].message);
  EXPECT_NE(f[0].message.find("two threads of rank 0"), std::string::npos) << f[0].message;
}

TEST(ThreadOrder, AMutexAroundPutAndFlushOrdersThem) {
  Model m = two_threads_put(true);
  EXPECT_TRUE(rma_races(m).empty());
}

// The flush of another thread completes a Put only if the Put happens before it.
TEST(ThreadOrder, AnotherThreadsFlushCompletesOnlyOrderedPuts) {
  for (bool ordered : {false, true}) {
    LogBuilder b = with_window(2);
    b.call(0, kCall_Win_lock_all, 2).f(kF_win, kWin).f(kF_assert, 0);
    sync(b, 0, 0, kCall_Thread_release, kSyncTokenBase, 1);
    sync(b, 0, 1, kCall_Thread_acquire, kSyncTokenBase, 1);
    put(b, 0, 1, 10, 1, 0);                                       // the child's Put, never flushed by the child
    if (ordered) sync(b, 0, 1, kCall_Thread_release, kMutex, 1);  // handed over to the main thread
    if (ordered) sync(b, 0, 0, kCall_Thread_acquire, kMutex, 1);
    b.call(0, kCall_Win_flush, 12).f(kF_win, kWin).f(kF_target, 1);
    // Then a message tells rank 1, which reads the bytes with a Get of its own.
    b.call(0, kCall_Send, 13).f(kF_comm, 1).f(kF_peer, 1).f(kF_tag, 0);
    b.call(1, kCall_Win_lock_all, 2).f(kF_win, kWin).f(kF_assert, 0);
    b.call(1, kCall_Recv, 14).f(kF_comm, 1).f(kF_status_src, 0).f(kF_status_tag, 0);
    b.call(1, kCall_Get, 15)
        .f(kF_win, kWin)
        .f(kF_target, 1)
        .f(kF_disp, 0)
        .f(kF_target_count, 1)
        .f(kF_target_type, kInt)
        .f(kF_origin_addr, 0x800000)
        .f(kF_origin_count, 1)
        .f(kF_origin_type, kInt);
    b.call(1, kCall_Win_unlock_all, 16).f(kF_win, kWin);
    Model m = b.build();
    m.comms[1] = CommModel{1, {0, 1}};
    EXPECT_EQ(rma_races(m).size(), ordered ? 0u : 1u) << (ordered ? "handed over" : "not handed over");
  }
}

TEST(ThreadOrder, BarrierGenerationOrdersArrivalsBeforeDepartures) {
  LogBuilder b(1);
  b.call(0, kCall_Init_thread, 1);
  sync(b, 0, 0, kCall_Thread_release, kSyncTokenBase, 1);
  sync(b, 0, 1, kCall_Thread_acquire, kSyncTokenBase, 1);
  sync(b, 0, 1, kCall_Thread_arrive, 0x6000, 0);  // 3
  sync(b, 0, 0, kCall_Thread_arrive, 0x6000, 0);  // 4
  sync(b, 0, 0, kCall_Thread_depart, 0x6000, 0);  // 5
  sync(b, 0, 1, kCall_Thread_depart, 0x6000, 0);  // 6
  sync(b, 0, 1, kCall_Thread_arrive, 0x6000, 1);  // 7: the next generation
  sync(b, 0, 0, kCall_Thread_arrive, 0x6000, 1);  // 8
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_TRUE(hb.ordered(exit_node(0, 3), entry_node(0, 5)));
  EXPECT_TRUE(hb.ordered(exit_node(0, 4), entry_node(0, 6)));
  // Thread 1's next arrival does not happen before thread 0's arrival at that generation.
  EXPECT_FALSE(hb.ordered(exit_node(0, 7), entry_node(0, 8)));
}

TEST(ThreadOrder, AcquireFollowsEveryEarlierReleaseOfItsObjectOnly) {
  LogBuilder b(1);
  b.call(0, kCall_Init_thread, 1);
  sync(b, 0, 1, kCall_Thread_release, kMutex, 4);      // 1
  sync(b, 0, 2, kCall_Thread_release, kMutex + 8, 5);  // 2: another object
  sync(b, 0, 2, kCall_Thread_release, kMutex, 7);      // 3: later than the acquire's count
  sync(b, 0, 0, kCall_Thread_acquire, kMutex, 6);      // 4
  Model m = b.build();
  const std::vector<ThreadEdge> edges = thread_order_edges(m.logs[0]);
  ASSERT_EQ(edges.size(), 1u);
  ASSERT_EQ(edges[0].sources.size(), 1u);
  EXPECT_EQ(event_of(edges[0].sources[0]), 1u);
  EXPECT_EQ(event_of(edges[0].dests[0]), 4u);
}

// A pthread read-write lock as thread_sync.cpp logs it: the lock's address
// is released by a writer's unlock and acquired by every lock; address + 1
// is released by a reader's unlock and acquired by write locks only.
TEST(ThreadOrder, RwlockOrdersReadersAfterWritersAndWritersAfterReadersOnly) {
  constexpr int64_t kRw = kMutex, kReadSide = kMutex + 1;
  LogBuilder b(1);
  b.call(0, kCall_Init_thread, 1);                             // 0
  sync(b, 0, 0, kCall_Thread_release, kSyncTokenBase, 1);      // 1: creates thread 1
  sync(b, 0, 1, kCall_Thread_acquire, kSyncTokenBase, 1);      // 2
  sync(b, 0, 0, kCall_Thread_release, kSyncTokenBase + 2, 1);  // 3: creates thread 2
  sync(b, 0, 2, kCall_Thread_acquire, kSyncTokenBase + 2, 1);  // 4
  sync(b, 0, 1, kCall_Thread_acquire, kRw, 0);                 // 5: thread 1 wrlock
  sync(b, 0, 1, kCall_Thread_acquire, kReadSide, 0);           // 6
  sync(b, 0, 1, kCall_Thread_release, kRw, 1);                 // 7: its unlock
  sync(b, 0, 2, kCall_Thread_acquire, kRw, 1);                 // 8: thread 2 rdlock
  sync(b, 0, 0, kCall_Thread_acquire, kRw, 1);                 // 9: thread 0 rdlock
  sync(b, 0, 0, kCall_Thread_release, kReadSide, 2);           // 10: thread 0 unlocks
  sync(b, 0, 2, kCall_Thread_release, kReadSide, 3);           // 11: thread 2 unlocks
  sync(b, 0, 1, kCall_Thread_acquire, kRw, 3);                 // 12: thread 1 wrlock again
  sync(b, 0, 1, kCall_Thread_acquire, kReadSide, 3);           // 13
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  // The writer's unlock happens before both readers' locks.
  EXPECT_TRUE(hb.ordered(exit_node(0, 7), entry_node(0, 8)));
  EXPECT_TRUE(hb.ordered(exit_node(0, 7), entry_node(0, 9)));
  // The readers are not ordered with each other: neither's unlock before the other's.
  EXPECT_FALSE(hb.ordered(exit_node(0, 10), entry_node(0, 11)));
  EXPECT_FALSE(hb.ordered(exit_node(0, 8), entry_node(0, 10)));
  // Both readers' unlocks happen before the next write lock.
  EXPECT_TRUE(hb.ordered(exit_node(0, 10), entry_node(0, 13)));
  EXPECT_TRUE(hb.ordered(exit_node(0, 11), entry_node(0, 13)));
}

// A rank whose threads made calls without any synchronization record (an
// interposer without thread tracking) stays one program order, with a note.
TEST(ThreadOrder, NoSyncRecordsKeepOneProgramOrderAndSaySo) {
  LogBuilder b = with_window(2);
  b.call(0, kCall_Win_lock_all, 2).f(kF_win, kWin).f(kF_assert, 0);
  put(b, 0, 1, 10, 1, 0);
  b.call(0, kCall_Win_flush, 11).f(kF_win, kWin).f(kF_target, 1);
  put(b, 0, 0, 20, 1, 0);
  b.call(0, kCall_Win_unlock_all, 30).f(kF_win, kWin);
  Model m = b.build();
  RequestTracker requests(m);
  HappensBefore hb(m, requests);
  EXPECT_EQ(hb.lane_count(), 2u);
  ASSERT_EQ(hb.warnings().size(), 1u);
  EXPECT_NE(hb.warnings()[0].find("no thread synchronization"), std::string::npos);
  EXPECT_TRUE(rma_races(m).empty());
}

}  // namespace
}  // namespace rmacheck
