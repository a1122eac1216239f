// invalid-arg on hand-built event streams: handles, ranks, tags, counts,
// buffers and window arguments, judged by the call traits rows.
#include <gtest/gtest.h>

#include "detectors/detector.h"
#include "log_builder.h"

namespace rmacheck {
namespace {

constexpr int64_t kInt = 6;  // a predefined datatype id (its basic code)
constexpr int64_t kVec = kDerivedTypeBase + 1;

std::vector<const Finding*> invalid_args(const Analysis& a) {
  std::vector<const Finding*> out;
  for (const Finding& f : a.findings)
    if (f.kind == kKind_invalid_arg) out.push_back(&f);
  return out;
}

// A window 7 over ranks 0 and 1, in a fence epoch on each.
void window(LogBuilder& b, int n = 2) {
  for (int r = 0; r < n; ++r) {
    b.call(r, kCall_Win_allocate, 10)
        .f(kF_comm, 1)
        .f(kF_size, 64)
        .f(kF_disp_unit, 8)
        .f(kF_new_win, 7)
        .a(kF_members, {0, 1});
    b.call(r, kCall_Win_fence, 11).f(kF_win, 7);
  }
}

EventBuilder put(LogBuilder& b, int rank, int line, int64_t origin_type, int64_t target_type, int64_t addr = 4096,
                 int64_t count = 1) {
  return b.call(rank, kCall_Put, line)
      .f(kF_win, 7)
      .f(kF_target, 1)
      .f(kF_disp, 0)
      .f(kF_target_count, count)
      .f(kF_target_type, target_type)
      .f(kF_origin_addr, addr)
      .f(kF_origin_count, count)
      .f(kF_origin_type, origin_type);
}

TEST(InvalidArg, PutWithAFreedDatatypeNamesTheFree) {
  LogBuilder b(2);
  window(b);
  b.type(0, kVec, 32, 56, {{0, 8, 12}, {16, 8, 12}, {32, 8, 12}, {48, 8, 12}});
  b.call(0, kCall_Type_vector, 20).f(kF_old_type, 12).f(kF_new_type, kVec);
  b.call(0, kCall_Type_commit, 21).f(kF_type, kVec);
  b.call(0, kCall_Type_free, 22).f(kF_type, kVec);
  put(b, 0, 30, kVec, kVec).unreturned();  // Open MPI aborted inside the Put
  b.call(1, kCall_Win_fence, 31).f(kF_win, 7).unreturned();
  b.meta().exit_status = 2;
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = *found[0];
  EXPECT_EQ(f.code, kCode_freed_handle);
  EXPECT_NE(f.message.find("MPI_Put on rank 0: its origin datatype and target datatype were freed by MPI_Type_free"),
            std::string::npos)
      << f.message;
  ASSERT_EQ(f.accesses.size(), 2u);
  EXPECT_EQ(m.event(f.accesses[1].event).call, kCall_Type_free);
  // It comes before the other findings (the library's abort in the same call).
  EXPECT_EQ(a.findings.front().kind, kKind_invalid_arg);
}

// Calls of a loop share one field run in a log the reader reads (share_seen_run), and the detector
// does not judge a run again that it found clean, unless a handle was created, committed or freed since:
// the same Put after the Type_free is judged again.
TEST(InvalidArg, ASharedRunIsJudgedAgainAfterAFree) {
  LogBuilder b(2);
  window(b);
  b.type(0, kVec, 32, 56, {{0, 32, 12}});
  b.call(0, kCall_Type_contiguous, 20).f(kF_old_type, 12).f(kF_new_type, kVec);
  b.call(0, kCall_Type_commit, 21).f(kF_type, kVec);
  const EventRef first = put(b, 0, 30, kVec, kVec).ref();
  const EventRef second = put(b, 0, 30, kVec, kVec).ref();
  b.call(0, kCall_Type_free, 31).f(kF_type, kVec);
  const EventRef third = put(b, 0, 30, kVec, kVec).ref();
  Model m = b.build();
  for (const EventRef& r : {second, third}) LogBuilder::share_fields(m, first, r);
  const Analysis a = run_detectors(m);
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, kCode_freed_handle);
  EXPECT_EQ(found[0]->accesses[0].event, third);
}

TEST(InvalidArg, CommittedTypeUsedBeforeItsFreeIsFine) {
  LogBuilder b(2);
  window(b);
  b.type(0, kVec, 32, 56, {{0, 32, 12}});
  b.call(0, kCall_Type_contiguous, 20).f(kF_old_type, 12).f(kF_new_type, kVec);
  b.call(0, kCall_Type_commit, 21).f(kF_type, kVec);
  put(b, 0, 30, kVec, kVec);
  b.call(0, kCall_Type_free, 31).f(kF_type, kVec);
  const Analysis a = run_detectors(b.build());
  EXPECT_TRUE(invalid_args(a).empty());
}

TEST(InvalidArg, UncommittedTypeNamesWhereItWasCreated) {
  LogBuilder b(2);
  window(b);
  b.type(0, kVec, 32, 32, {{0, 32, 12}});
  b.call(0, kCall_Type_contiguous, 20).f(kF_old_type, 12).f(kF_new_type, kVec);
  put(b, 0, 30, kInt, kVec);
  Model m = b.build();
  const Analysis a = run_detectors(m);
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, kCode_uncommitted_type);
  EXPECT_NE(found[0]->message.find("its target datatype is a derived datatype that was never committed"),
            std::string::npos)
      << found[0]->message;
  ASSERT_EQ(found[0]->accesses.size(), 2u);
  EXPECT_EQ(m.event(found[0]->accesses[1].event).call, kCall_Type_contiguous);
}

TEST(InvalidArg, DupOfACommittedTypeIsCommitted) {
  LogBuilder b(2);
  window(b);
  b.type(0, kVec, 32, 32, {{0, 32, 12}});
  b.type(0, kVec + 1, 32, 32, {{0, 32, 12}});
  b.call(0, kCall_Type_contiguous, 20).f(kF_old_type, 12).f(kF_new_type, kVec);
  b.call(0, kCall_Type_commit, 21).f(kF_type, kVec);
  b.call(0, kCall_Type_dup, 22).f(kF_old_type, kVec).f(kF_new_type, kVec + 1);
  put(b, 0, 30, kVec + 1, kVec + 1);
  const Analysis a = run_detectors(b.build());
  EXPECT_TRUE(invalid_args(a).empty());
}

TEST(InvalidArg, NullHandles) {
  LogBuilder b(2);
  window(b);
  put(b, 0, 30, kDatatypeNull, kInt);
  b.call(1, kCall_Send, 31)
      .f(kF_comm, kCommNull)
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, kInt)
      .f(kF_peer, 0)
      .f(kF_tag, 1);
  b.call(1, kCall_Win_fence, 32).f(kF_win, kWinNull);
  b.call(1, kCall_Allreduce, 33).f(kF_comm, 1).f(kF_op, kOp_MPI_OP_NULL);
  const Analysis a = run_detectors(b.build());
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 4u);
  for (const Finding* f : found) EXPECT_EQ(f->code, kCode_null_handle) << f->message;
  EXPECT_NE(found[0]->message.find("its origin datatype is MPI_DATATYPE_NULL"), std::string::npos);
  EXPECT_NE(found[1]->message.find("its communicator is MPI_COMM_NULL"), std::string::npos);
  EXPECT_NE(found[2]->message.find("its window is MPI_WIN_NULL"), std::string::npos);
  EXPECT_NE(found[3]->message.find("its op is MPI_OP_NULL"), std::string::npos);
}

TEST(InvalidArg, WaitOnRequestNullIsFine) {
  LogBuilder b(1);
  b.call(0, kCall_Wait, 3).f(kF_req, 0);
  const Analysis a = run_detectors(b.build());
  EXPECT_TRUE(invalid_args(a).empty());
}

TEST(InvalidArg, FreedWindowCommunicatorGroupAndOp) {
  LogBuilder b(2);
  window(b);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_free, 40).f(kF_win, 7);
  b.call(0, kCall_Win_fence, 41).f(kF_win, 7);
  b.call(0, kCall_Comm_dup, 42).f(kF_comm, 1).f(kF_new_comm, 99).a(kF_members, {0, 1});
  b.call(0, kCall_Comm_free, 43).f(kF_comm, 99);
  b.call(0, kCall_Barrier, 44).f(kF_comm, 99);
  b.call(0, kCall_Comm_free, 45).f(kF_comm, 99);
  b.call(0, kCall_Op_create, 46).f(kF_new_op, kUserOpBase);
  b.call(0, kCall_Op_free, 47).f(kF_op, kUserOpBase);
  b.call(0, kCall_Allreduce, 48).f(kF_comm, 1).f(kF_op, kUserOpBase);
  b.call(0, kCall_Comm_group, 49).f(kF_comm, 1).f(kF_new_group, 3).a(kF_members, {0, 1});
  b.call(0, kCall_Group_free, 50).f(kF_group_id, 3);
  b.call(0, kCall_Comm_create, 51).f(kF_comm, 1).f(kF_group_id, 3);
  Model m = b.build();
  const Analysis a = run_detectors(m);
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 5u);
  for (const Finding* f : found) {
    EXPECT_EQ(f->code, kCode_freed_handle) << f->message;
    ASSERT_EQ(f->accesses.size(), 2u);
  }
  EXPECT_NE(found[0]->message.find("its window was freed by MPI_Win_free"), std::string::npos) << found[0]->message;
  EXPECT_NE(found[1]->message.find("its communicator was freed by MPI_Comm_free"), std::string::npos);
  EXPECT_NE(found[2]->message.find("its communicator was already freed by MPI_Comm_free"), std::string::npos)
      << found[2]->message;
  EXPECT_NE(found[3]->message.find("its op was freed by MPI_Op_free"), std::string::npos);
  EXPECT_NE(found[4]->message.find("its group was freed by MPI_Group_free"), std::string::npos);
  EXPECT_EQ(m.event(found[4]->accesses[1].event).call, kCall_Group_free);
}

TEST(InvalidArg, UnknownWindowHandle) {
  LogBuilder b(1);
  b.call(0, kCall_Win_fence, 3).f(kF_win, 0);
  const Analysis a = run_detectors(b.build());
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, kCode_unknown_handle);
}

TEST(InvalidArg, RanksOfTheCommunicator) {
  LogBuilder b(2);
  b.call(0, kCall_Send, 3)
      .f(kF_comm, 1)
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, kInt)
      .f(kF_peer, encode_invalid_rank(5))
      .f(kF_tag, 0);
  b.call(0, kCall_Send, 4)
      .f(kF_comm, 1)
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, kInt)
      .f(kF_peer, kRankAny)
      .f(kF_tag, 0);
  b.call(0, kCall_Isend, 5)
      .f(kF_comm, 1)
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, kInt)
      .f(kF_peer, encode_invalid_rank(-7))
      .f(kF_tag, 0);
  // Allowed: MPI_PROC_NULL on a send, MPI_ANY_SOURCE / MPI_PROC_NULL on a receive, MPI_ROOT as an intercomm root.
  b.call(0, kCall_Send, 6)
      .f(kF_comm, 1)
      .f(kF_buf, 0)
      .f(kF_count, 4)
      .f(kF_type, kInt)
      .f(kF_peer, kRankProcNull)
      .f(kF_tag, 0);
  b.call(1, kCall_Recv, 7)
      .f(kF_comm, 1)
      .f(kF_recv_buf, 4096)
      .f(kF_recv_count, 1)
      .f(kF_recv_type, kInt)
      .f(kF_recv_peer, kRankAny)
      .f(kF_recv_tag, kTagAny);
  b.call(1, kCall_Recv, 8)
      .f(kF_comm, 1)
      .f(kF_recv_buf, 4096)
      .f(kF_recv_count, 1)
      .f(kF_recv_type, kInt)
      .f(kF_recv_peer, kRankProcNull)
      .f(kF_recv_tag, 3);
  b.call(1, kCall_Bcast, 9)
      .f(kF_comm, 1)
      .f(kF_root, encode_invalid_rank(-4))
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, kInt);
  b.call(1, kCall_Bcast, 10)
      .f(kF_comm, 1)
      .f(kF_root, encode_invalid_rank(3))
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, kInt);
  const Analysis a = run_detectors(b.build());
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 4u);
  for (const Finding* f : found) EXPECT_EQ(f->code, kCode_bad_rank) << f->message;
  EXPECT_NE(found[0]->message.find("its destination is 5, not a rank of the communicator's group"), std::string::npos)
      << found[0]->message;
  EXPECT_NE(found[1]->message.find("its destination is MPI_ANY_SOURCE"), std::string::npos);
  EXPECT_NE(found[2]->message.find("its destination is -7, not a rank"), std::string::npos);
  EXPECT_NE(found[3]->message.find("its root is 3, not a rank"), std::string::npos);
}

TEST(InvalidArg, Tags) {
  LogBuilder b(2);
  b.call(0, kCall_Send, 3).f(kF_comm, 1).f(kF_buf, 4096).f(kF_count, 1).f(kF_type, kInt).f(kF_peer, 1).f(kF_tag, -5);
  b.call(0, kCall_Send_init, 4)
      .f(kF_comm, 1)
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, kInt)
      .f(kF_peer, 1)
      .f(kF_tag, kTagAny);
  b.call(1, kCall_Irecv, 5)
      .f(kF_comm, 1)
      .f(kF_recv_buf, 4096)
      .f(kF_recv_count, 1)
      .f(kF_recv_type, kInt)
      .f(kF_recv_peer, 0)
      .f(kF_recv_tag, -2);
  b.call(1, kCall_Irecv, 6)
      .f(kF_comm, 1)
      .f(kF_recv_buf, 4096)
      .f(kF_recv_count, 1)
      .f(kF_recv_type, kInt)
      .f(kF_recv_peer, 0)
      .f(kF_recv_tag, kTagAny);
  const Analysis a = run_detectors(b.build());
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 3u);
  for (const Finding* f : found) EXPECT_EQ(f->code, kCode_bad_tag) << f->message;
  EXPECT_NE(found[0]->message.find("its tag is negative (-5)"), std::string::npos) << found[0]->message;
  EXPECT_NE(found[1]->message.find("its tag is MPI_ANY_TAG, which only a receive may name"), std::string::npos);
  EXPECT_NE(found[2]->message.find("its receive tag is negative (-2)"), std::string::npos);
}

// Tags above the MPI_TAG_UB the log header gives; a log without it is not judged.
TEST(InvalidArg, TagsAboveTagUb) {
  LogBuilder b(2);
  b.header(0, "tag_ub", "32767");
  b.call(0, kCall_Send, 3).f(kF_comm, 1).f(kF_buf, 4096).f(kF_count, 1).f(kF_type, kInt).f(kF_peer, 1).f(kF_tag, 32768);
  b.call(0, kCall_Send, 4).f(kF_comm, 1).f(kF_buf, 4096).f(kF_count, 1).f(kF_type, kInt).f(kF_peer, 1).f(kF_tag, 32767);
  b.call(1, kCall_Recv, 5)  // no tag_ub in rank 1's header
      .f(kF_comm, 1)
      .f(kF_recv_buf, 4096)
      .f(kF_recv_count, 1)
      .f(kF_recv_type, kInt)
      .f(kF_recv_peer, 0)
      .f(kF_recv_tag, 1 << 30);
  const Analysis a = run_detectors(b.build());
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, kCode_bad_tag);
  EXPECT_NE(found[0]->message.find("its tag is 32768, above MPI_TAG_UB (32767)"), std::string::npos)
      << found[0]->message;
}

TEST(InvalidArg, CountsAndBuffers) {
  LogBuilder b(2);
  window(b);
  put(b, 0, 30, kInt, kInt, 4096, -1);  // negative origin and target count: two arguments, one finding
  put(b, 0, 31, kInt, kInt, 0, 2);      // NULL origin
  put(b, 0, 32, kInt, kInt, 0, 0);      // NULL with count 0: fine
  // Fetch_and_op with MPI_NO_OP ignores its origin: NULL is fine (an atomic read).
  b.call(0, kCall_Fetch_and_op, 32)
      .f(kF_win, 7)
      .f(kF_target, 1)
      .f(kF_disp, 0)
      .f(kF_target_count, 1)
      .f(kF_target_type, kInt)
      .f(kF_origin_addr, 0)
      .f(kF_origin_count, 1)
      .f(kF_origin_type, kInt)
      .f(kF_result_addr, 4096)
      .f(kF_result_count, 1)
      .f(kF_result_type, kInt)
      .f(kF_op, kOp_MPI_NO_OP);
  // MPI_BOTTOM with a datatype of absolute addresses: fine.
  b.type(0, kVec, 8, 8, {{0x7f0000001000, 8, 12}});
  b.call(0, kCall_Type_create_struct, 32).f(kF_new_type, kVec);
  b.call(0, kCall_Type_commit, 32).f(kF_type, kVec);
  b.call(0, kCall_Send, 33).f(kF_comm, 1).f(kF_buf, 0).f(kF_count, 1).f(kF_type, kVec).f(kF_peer, 1).f(kF_tag, 0);
  Model m = b.build();
  m.logs[0].types[kVec].true_lb = 0x7f0000001000;  // the layout of a type built from MPI_Get_address values
  const Analysis a = run_detectors(m);
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->code, kCode_negative_count);
  EXPECT_NE(found[0]->message.find("its origin count and target count are negative (-1)"), std::string::npos)
      << found[0]->message;
  EXPECT_EQ(found[1]->code, kCode_null_buffer);
  EXPECT_NE(found[1]->message.find("its origin buffer is NULL, with a count of 2"), std::string::npos)
      << found[1]->message;
}

TEST(InvalidArg, WindowCreationArguments) {
  LogBuilder b(1);
  b.call(0, kCall_Win_create, 3).f(kF_comm, 1).f(kF_addr, 0).f(kF_size, 64).f(kF_disp_unit, 8).rc(13);
  b.call(0, kCall_Win_create, 4).f(kF_comm, 1).f(kF_addr, 0).f(kF_size, 0).f(kF_disp_unit, 1);  // fine
  b.call(0, kCall_Win_allocate, 5).f(kF_comm, 1).f(kF_size, -8).f(kF_disp_unit, 0).rc(13);
  const Analysis a = run_detectors(b.build());
  auto found = invalid_args(a);
  ASSERT_EQ(found.size(), 3u);
  for (const Finding* f : found) EXPECT_EQ(f->code, kCode_bad_window_args) << f->message;
  EXPECT_NE(found[0]->message.find("its window base is NULL with a size of 64 bytes"), std::string::npos)
      << found[0]->message;
  EXPECT_NE(found[1]->message.find("its disp_unit is not positive (0)"), std::string::npos) << found[1]->message;
  EXPECT_NE(found[2]->message.find("its window size is negative (-8)"), std::string::npos) << found[2]->message;
}

}  // namespace
}  // namespace rmacheck
