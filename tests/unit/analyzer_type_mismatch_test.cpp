// type-mismatch on hand-built event streams: matched messages whose type
// signatures differ or that are longer than their receive buffers.
#include <gtest/gtest.h>

#include "detectors/detector.h"
#include "log_builder.h"

namespace rmacheck {
namespace {

constexpr int64_t kByte = 3, kInt = 6, kFloat = 13, kDouble = 14;  // basic codes (basic_types.def)

std::vector<const Finding*> mismatches(const Analysis& a) {
  std::vector<const Finding*> out;
  for (const Finding& f : a.findings)
    if (f.kind == kKind_type_mismatch) out.push_back(&f);
  return out;
}

void send(LogBuilder& b, int rank, int line, int64_t count, int64_t type, int64_t dest, int64_t tag) {
  b.call(rank, kCall_Send, line)
      .f(kF_comm, 1)
      .f(kF_buf, 4096)
      .f(kF_count, count)
      .f(kF_type, type)
      .f(kF_peer, dest)
      .f(kF_tag, tag);
}

void recv(LogBuilder& b, int rank, int line, int64_t count, int64_t type, int64_t src, int64_t tag) {
  b.call(rank, kCall_Recv, line)
      .f(kF_comm, 1)
      .f(kF_recv_buf, 8192)
      .f(kF_recv_count, count)
      .f(kF_recv_type, type)
      .f(kF_recv_peer, src)
      .f(kF_recv_tag, tag)
      .f(kF_status_src, src == kRankAny ? 0 : src)
      .f(kF_status_tag, tag == kTagAny ? 3 : tag);
}

void types(LogBuilder& b, int rank) {
  b.type(rank, kInt, 4, 4, {{0, 4, static_cast<int32_t>(kInt)}}, static_cast<int32_t>(kInt));
  b.type(rank, kFloat, 4, 4, {{0, 4, static_cast<int32_t>(kFloat)}}, static_cast<int32_t>(kFloat));
  b.type(rank, kDouble, 8, 8, {{0, 8, static_cast<int32_t>(kDouble)}}, static_cast<int32_t>(kDouble));
}

TEST(TypeMismatch, IntsReceivedAsFloats) {
  LogBuilder b(2);
  types(b, 0), types(b, 1);
  send(b, 0, 10, 4, kInt, 1, 3);
  recv(b, 1, 20, 4, kFloat, 0, 3);
  const Analysis a = run_detectors(b.build());
  auto found = mismatches(a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, kCode_message_type_mismatch);
  EXPECT_NE(found[0]->message.find("MPI_Send on rank 0 sends 4 x MPI_INT, received by MPI_Recv on rank 1 into 4 x "
                                   "MPI_FLOAT: the type signatures differ"),
            std::string::npos)
      << found[0]->message;
  ASSERT_EQ(found[0]->accesses.size(), 2u);
}

TEST(TypeMismatch, ShorterMessageOfTheSameTypeIsFine) {
  LogBuilder b(2);
  types(b, 0), types(b, 1);
  send(b, 0, 10, 2, kDouble, 1, 3);
  recv(b, 1, 20, 8, kDouble, kRankAny, kTagAny);  // wildcards: matched by the status
  const Analysis a = run_detectors(b.build());
  EXPECT_TRUE(mismatches(a).empty());
}

TEST(TypeMismatch, TruncationOfAPersistentMessage) {
  LogBuilder b(2);
  types(b, 0), types(b, 1);
  b.call(0, kCall_Send_init, 10)
      .f(kF_comm, 1)
      .f(kF_buf, 4096)
      .f(kF_count, 8)
      .f(kF_type, kDouble)
      .f(kF_peer, 1)
      .f(kF_tag, 5)
      .f(kF_new_req, 1);
  b.call(0, kCall_Start, 11).f(kF_req, 1);
  b.call(0, kCall_Wait, 12).f(kF_req, 1).a(kF_done, {1}).a(kF_status_src, {kRankProcNull}).a(kF_status_tag, {kTagAny});
  b.call(1, kCall_Recv_init, 20)
      .f(kF_comm, 1)
      .f(kF_recv_buf, 8192)
      .f(kF_recv_count, 4)
      .f(kF_recv_type, kDouble)
      .f(kF_recv_peer, 0)
      .f(kF_recv_tag, 5)
      .f(kF_new_req, 1);
  b.call(1, kCall_Start, 21).f(kF_req, 1);
  b.call(1, kCall_Wait, 22).f(kF_req, 1).a(kF_done, {1}).a(kF_status_src, {0}).a(kF_status_tag, {5});
  Model m = b.build();
  const Analysis a = run_detectors(m);
  auto found = mismatches(a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, kCode_message_truncated);
  EXPECT_NE(found[0]->message.find("sends 8 x MPI_DOUBLE (64 bytes)"), std::string::npos) << found[0]->message;
  EXPECT_NE(found[0]->message.find("into 4 x MPI_DOUBLE (32 bytes): the message is longer than the buffer"),
            std::string::npos)
      << found[0]->message;
  // The sides are the calls that describe the message: Send_init and Recv_init.
  EXPECT_EQ(m.event(found[0]->accesses[0].event).call, kCall_Send_init);
  EXPECT_EQ(m.event(found[0]->accesses[1].event).call, kCall_Recv_init);
}

TEST(TypeMismatch, ByteSidesCompareBySize) {
  LogBuilder b(2);
  types(b, 0), types(b, 1);
  b.type(1, kByte, 1, 1, {{0, 1, static_cast<int32_t>(kByte)}}, static_cast<int32_t>(kByte));
  send(b, 0, 10, 2, kInt, 1, 3);
  recv(b, 1, 20, 8, kByte, 0, 3);  // 8 bytes for 2 ints
  const Analysis a = run_detectors(b.build());
  EXPECT_TRUE(mismatches(a).empty());
}

TEST(TypeMismatch, CollectiveRootsAndOps) {
  LogBuilder b(3);
  for (int r = 0; r < 3; ++r) {
    b.call(r, kCall_Bcast, 10).f(kF_comm, 1).f(kF_root, r == 2 ? 1 : 0).f(kF_buf, 4096).f(kF_count, 1).f(kF_type, kInt);
    b.call(r, kCall_Allreduce, 11).f(kF_comm, 1).f(kF_op, r == 1 ? kOp_MPI_MAX : kOp_MPI_SUM);
    // Same root and op everywhere: fine. User ops have per-rank ids: not compared.
    b.call(r, kCall_Reduce, 12).f(kF_comm, 1).f(kF_root, 0).f(kF_op, kUserOpBase + r);
  }
  const Analysis a = run_detectors(b.build());
  auto found = mismatches(a);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->code, kCode_collective_root_mismatch);
  EXPECT_NE(found[0]->message.find("MPI_Bcast: rank 0 and rank 2 pass different roots"), std::string::npos)
      << found[0]->message;
  ASSERT_EQ(found[0]->accesses.size(), 2u);
  EXPECT_EQ(found[1]->code, kCode_collective_op_mismatch);
  EXPECT_NE(found[1]->message.find("MPI_Allreduce: rank 0 and rank 1 pass different ops"), std::string::npos)
      << found[1]->message;
}

// A gather whose root receives blocks of 3 doubles from members that send 1;
// a reduction with one rank's count off; an allgather whose blocks agree.
TEST(TypeMismatch, CollectiveBlockSignatures) {
  LogBuilder b(3);
  for (int r = 0; r < 3; ++r) {
    types(b, r);
    auto g = b.call(r, kCall_Gather, 10).f(kF_comm, 1).f(kF_root, 0).f(kF_count, 1).f(kF_type, kDouble);
    if (r == 0) g.f(kF_recv_count, 3).f(kF_recv_type, kDouble);
    b.call(r, kCall_Allreduce, 11).f(kF_comm, 1).f(kF_op, kOp_MPI_SUM).f(kF_count, r == 2 ? 2 : 4).f(kF_type, kInt);
    auto ag = b.call(r, kCall_Allgather, 12).f(kF_comm, 1).f(kF_recv_count, 2).f(kF_recv_type, kInt);
    if (r == 1)
      ag.f(kF_in_place, 1);  // its send block is not used
    else
      ag.f(kF_count, 2).f(kF_type, kInt);
  }
  const Analysis a = run_detectors(b.build());
  auto found = mismatches(a);
  ASSERT_EQ(found.size(), 2u);
  for (const Finding* f : found) EXPECT_EQ(f->code, kCode_collective_type_mismatch) << f->message;
  EXPECT_NE(found[0]->message.find("MPI_Gather: the blocks of one collective operation (the 1st on its "
                                   "communicator) must have one type signature: rank 0's receive block is 3 x "
                                   "MPI_DOUBLE, while the send blocks of ranks 0,1,2 are 1 x MPI_DOUBLE"),
            std::string::npos)
      << found[0]->message;
  EXPECT_NE(found[1]->message.find("rank 2's buffer is 2 x MPI_INT, while the buffers of ranks 0,1 are 4 x MPI_INT"),
            std::string::npos)
      << found[1]->message;
}

TEST(TypeMismatch, IntercommRootsAndUnloggedCommunicatorsAreNotCompared) {
  LogBuilder b(4);
  for (int r = 0; r < 4; ++r)
    b.call(r, kCall_Intercomm_create, 5).f(kF_comm, 1).f(kF_new_comm, 77).a(kF_members, {0, 1, 2, 3});
  // The root's group passes MPI_ROOT (logged as an invalid rank) and MPI_PROC_NULL, the other group the root's rank.
  b.call(0, kCall_Bcast, 10).f(kF_comm, 77).f(kF_root, encode_invalid_rank(-4));
  b.call(2, kCall_Bcast, 10).f(kF_comm, 77).f(kF_root, kRankProcNull);
  b.call(1, kCall_Bcast, 10).f(kF_comm, 77).f(kF_root, 0);
  b.call(3, kCall_Bcast, 10).f(kF_comm, 77).f(kF_root, 0);
  // A communicator no logged call made (shared ids): not compared.
  b.call(0, kCall_Allreduce, 11).f(kF_comm, 55).f(kF_op, kOp_MPI_SUM);
  b.call(1, kCall_Allreduce, 11).f(kF_comm, 55).f(kF_op, kOp_MPI_MAX);
  const Analysis a = run_detectors(b.build());
  EXPECT_TRUE(mismatches(a).empty());
}

}  // namespace
}  // namespace rmacheck
