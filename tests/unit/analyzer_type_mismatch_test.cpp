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

}  // namespace
}  // namespace rmacheck
