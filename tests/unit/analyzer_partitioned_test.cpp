// MPI-4 requests on hand-built event streams: partitioned communication
// (Psend_init/Precv_init, Pready*, Parrived; MPI-4.0 section 4.2) in the request
// state machine and detector, and persistent collectives under the ordinary
// persistent-request rules.
#include <gtest/gtest.h>

#include "detectors/detector.h"
#include "log_builder.h"
#include "model/request_tracker.h"

namespace rmacheck {

std::unique_ptr<Detector> make_request_detector();

namespace {

Analysis run_request(const Model& m) {
  Analysis a;
  AnalysisContext ctx(m);
  make_request_detector()->run(ctx, a);
  return a;
}

std::vector<int> lines(const Model& m, const Finding& f) {
  std::vector<int> out;
  for (const Access& a : f.accesses) out.push_back(static_cast<int>(m.view(a.event).get_or(kF_py_line, -1)));
  return out;
}

std::vector<RequestIssueKind> issue_kinds(const RequestTracker& t) {
  std::vector<RequestIssueKind> out;
  for (const RequestIssue& is : t.rank(0)->issues) out.push_back(is.kind);
  return out;
}

// Rank 0: a partitioned send of 4 partitions, request id 1 (event 0).
void psend(LogBuilder& b, int line = 3) { b.call(0, kCall_Psend_init, line).f(kF_partitions, 4).f(kF_new_req, 1); }

TEST(Partitioned, EachPartitionReadyOncePerActivation) {
  LogBuilder b(1);
  psend(b);
  b.call(0, kCall_Start, 4).a(kF_req, {1});
  for (int p = 0; p < 4; ++p) b.call(0, kCall_Pready, 5).a(kF_req, {1}).f(kF_partition, p);
  b.call(0, kCall_Pready, 6).a(kF_req, {1}).f(kF_partition, 3);  // again in the same activation
  b.call(0, kCall_Wait, 7).a(kF_req, {1}).a(kF_done, {1});
  b.call(0, kCall_Start, 8).a(kF_req, {1});  // a new activation: all partitions may be marked again
  b.call(0, kCall_Pready_range, 9).a(kF_req, {1}).f(kF_partition, 0).f(kF_partition_high, 3);
  b.call(0, kCall_Wait, 10).a(kF_req, {1}).a(kF_done, {1});
  b.call(0, kCall_Request_free, 11).a(kF_req, {1});
  b.call(0, kCall_Finalize, 12);
  Model m = b.build();
  RequestTracker t(m);
  ASSERT_EQ(issue_kinds(t), (std::vector<RequestIssueKind>{RequestIssueKind::kPreadyTwice}));
  EXPECT_EQ(t.rank(0)->issues[0].partition, 3);

  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_EQ(a.findings[0].code, kCode_partition_ready_twice);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{6, 5}));
  EXPECT_NE(a.findings[0].message.find("partition 3"), std::string::npos) << a.findings[0].message;
}

TEST(Partitioned, ReadyTwiceWithinOneRangeOrListCall) {
  LogBuilder b(1);
  psend(b);
  b.call(0, kCall_Start, 4).a(kF_req, {1});
  b.call(0, kCall_Pready_range, 5).a(kF_req, {1}).f(kF_partition, 0).f(kF_partition_high, 1);
  b.call(0, kCall_Pready_list, 6).a(kF_req, {1}).a(kF_partition_list, {2, 1});  // 1 again
  b.call(0, kCall_Wait, 7).a(kF_req, {1}).a(kF_done, {1});
  Model m = b.build();
  RequestTracker t(m);
  ASSERT_EQ(issue_kinds(t), (std::vector<RequestIssueKind>{RequestIssueKind::kPreadyTwice}));
  EXPECT_EQ(t.rank(0)->issues[0].partition, 1);
  EXPECT_EQ(t.rank(0)->issues[0].related->index, 2u);  // the range that marked it first
}

TEST(Partitioned, PreadyOutsideAnActivation) {
  LogBuilder b(1);
  psend(b);
  b.call(0, kCall_Pready, 4).a(kF_req, {1}).f(kF_partition, 0);  // before any Start
  b.call(0, kCall_Start, 5).a(kF_req, {1});
  b.call(0, kCall_Pready_range, 6).a(kF_req, {1}).f(kF_partition, 0).f(kF_partition_high, 3);
  b.call(0, kCall_Wait, 7).a(kF_req, {1}).a(kF_done, {1});
  b.call(0, kCall_Pready, 8).a(kF_req, {1}).f(kF_partition, 2);  // after the completion
  b.call(0, kCall_Request_free, 9).a(kF_req, {1});
  b.call(0, kCall_Finalize, 10);
  Model m = b.build();
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 2u);
  EXPECT_EQ(a.findings[0].code, kCode_partition_ready_inactive);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{4, 3}));  // related: the creation
  EXPECT_NE(a.findings[0].message.find("not started yet"), std::string::npos) << a.findings[0].message;
  EXPECT_EQ(a.findings[1].code, kCode_partition_ready_inactive);
  EXPECT_EQ(lines(m, a.findings[1]), (std::vector<int>{8, 7}));  // related: the completing Wait
}

TEST(Partitioned, PartitionIndexOutOfRangeIsAnInvalidArgument) {
  LogBuilder b(1);
  psend(b);
  b.call(0, kCall_Precv_init, 4).f(kF_partitions, 2).f(kF_new_req, 2);
  b.call(0, kCall_Startall, 5).a(kF_reqs, {1, 2});
  b.call(0, kCall_Pready, 6).a(kF_req, {1}).f(kF_partition, 4);
  b.call(0, kCall_Pready_range, 7).a(kF_req, {1}).f(kF_partition, 0).f(kF_partition_high, 4);  // exclusive bound
  b.call(0, kCall_Pready_list, 8).a(kF_req, {1}).a(kF_partition_list, {-1});
  b.call(0, kCall_Pready_range, 9).a(kF_req, {1}).f(kF_partition, 3).f(kF_partition_high, 2);  // reversed
  b.call(0, kCall_Parrived, 10).a(kF_req, {2}).f(kF_partition, 2).f(kF_flag, 0);
  b.call(0, kCall_Parrived, 11).a(kF_req, {2}).f(kF_partition, 1).f(kF_flag, 1);  // fine
  Model m = b.build();
  RequestTracker t(m);
  ASSERT_EQ(issue_kinds(t), (std::vector<RequestIssueKind>(5, RequestIssueKind::kPartitionOutOfRange)));
  std::vector<int64_t> parts;
  for (const RequestIssue& is : t.rank(0)->issues) parts.push_back(is.partition);
  EXPECT_EQ(parts, (std::vector<int64_t>{4, 4, -1, 3, 2}));
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 5u);
  for (const Finding& f : a.findings) {
    EXPECT_EQ(f.kind, kKind_invalid_arg);
    EXPECT_EQ(f.code, kCode_partition_out_of_range);
  }
  EXPECT_NE(a.findings[0].message.find("4 partitions (valid: 0 to 3)"), std::string::npos) << a.findings[0].message;
}

TEST(Partitioned, PreadyAndParrivedNeedTheirKindOfPartitionedRequest) {
  LogBuilder b(1);
  psend(b);
  b.call(0, kCall_Precv_init, 4).f(kF_partitions, 4).f(kF_new_req, 2);
  b.call(0, kCall_Send_init, 5).f(kF_new_req, 3);
  b.call(0, kCall_Startall, 6).a(kF_reqs, {1, 2, 3});
  b.call(0, kCall_Pready, 7).a(kF_req, {3}).f(kF_partition, 0);     // an ordinary persistent send
  b.call(0, kCall_Pready, 8).a(kF_req, {2}).f(kF_partition, 0);     // the receive side
  b.call(0, kCall_Parrived, 9).a(kF_req, {1}).f(kF_partition, 0);   // the send side
  b.call(0, kCall_Parrived, 10).a(kF_req, {3}).f(kF_partition, 0);  // not partitioned
  b.call(0, kCall_Pready_range, 11).a(kF_req, {1}).f(kF_partition, 0).f(kF_partition_high, 3);
  b.call(0, kCall_Waitall, 12).a(kF_reqs, {1, 2, 3}).a(kF_done, {1, 2, 3});
  Model m = b.build();
  RequestTracker t(m);
  ASSERT_EQ(issue_kinds(t), (std::vector<RequestIssueKind>(4, RequestIssueKind::kNotPartitioned)));
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 4u);
  EXPECT_EQ(a.findings[0].code, kCode_not_partitioned);
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{7, 5}));
  EXPECT_NE(a.findings[0].message.find("not a partitioned send"), std::string::npos) << a.findings[0].message;
  EXPECT_NE(a.findings[2].message.find("not a partitioned receive"), std::string::npos) << a.findings[2].message;
}

TEST(Partitioned, LifecycleRulesOfPersistentRequestsApply) {
  // Started while active, freed while active, never completed by Finalize.
  LogBuilder b(1);
  psend(b);                                                             // 0: request 1
  b.call(0, kCall_Precv_init, 4).f(kF_partitions, 4).f(kF_new_req, 2);  // 1: request 2
  b.call(0, kCall_Start, 5).a(kF_req, {1});
  b.call(0, kCall_Start, 6).a(kF_req, {1});  // active
  b.call(0, kCall_Start, 7).a(kF_req, {2});
  b.call(0, kCall_Request_free, 8).a(kF_req, {2});  // active
  b.call(0, kCall_Finalize, 9);                     // request 1 still active, never freed
  Model m = b.build();
  RequestTracker t(m);
  EXPECT_EQ(issue_kinds(t),
            (std::vector<RequestIssueKind>{RequestIssueKind::kStartActive, RequestIssueKind::kFreeActive}));
  Analysis a = run_request(m);
  std::vector<FindingCode> codes;
  for (const Finding& f : a.findings) codes.push_back(f.code);
  // The restarted request is "lost" (the library may have replaced its handle): nothing more on it.
  EXPECT_EQ(codes, (std::vector<FindingCode>{kCode_start_active, kCode_missing_wait}));
}

TEST(PersistentCollective, RestartWhileActiveAndFreeWhileActive) {
  for (CallId init : {kCall_X_Allreduce_init, kCall_X_Barrier_init, kCall_X_Bcast_init}) {
    LogBuilder b(1);
    b.call(0, init, 3).f(kF_comm, 1).f(kF_new_req, 1);
    b.call(0, kCall_Start, 4).a(kF_req, {1});
    b.call(0, kCall_Wait, 5).a(kF_req, {1}).a(kF_done, {1});
    b.call(0, kCall_Start, 6).a(kF_req, {1});
    b.call(0, kCall_Start, 7).a(kF_req, {1});  // still active
    b.call(0, kCall_Wait, 8).a(kF_req, {1}).a(kF_done, {1});
    b.call(0, kCall_Start, 9).a(kF_req, {1});
    b.call(0, kCall_Request_free, 10).a(kF_req, {1});  // active: missing wait
    b.call(0, kCall_Finalize, 11);
    Model m = b.build();
    Analysis a = run_request(m);
    ASSERT_EQ(a.findings.size(), 2u) << call_name(init);
    EXPECT_EQ(a.findings[0].code, kCode_start_active);
    EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{7, 6}));
    EXPECT_EQ(a.findings[1].code, kCode_missing_wait);
    EXPECT_EQ(lines(m, a.findings[1]), (std::vector<int>{10, 9}));
  }
  EXPECT_STREQ(call_name(kCall_X_Allreduce_init), "MPI_Allreduce_init");  // the standard's name on every MPI
}

}  // namespace
}  // namespace rmacheck
