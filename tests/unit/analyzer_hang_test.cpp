// The hang detector on hand-built logs.
#include <gtest/gtest.h>

#include "detectors/detector.h"
#include "log_builder.h"
#include "report/report.h"

namespace rmacheck {
namespace {

const Finding* hang_of(const Analysis& analysis) {
  for (const Finding& f : analysis.findings)
    if (f.kind == kKind_hang) return &f;
  return nullptr;
}

TEST(HangDetector, NoFindingWithoutTimeout) {
  LogBuilder b(2);
  b.call(0, kCall_Barrier, 5).f(kF_comm, 1).unreturned();
  Model m = b.build();
  for (const Finding& f : run_detectors(m).findings) EXPECT_NE(f.kind, kKind_hang) << f.message;
}

TEST(HangDetector, NamesEachBlockedRankAndItsCall) {
  LogBuilder b(4);
  for (int r = 0; r < 4; ++r) b.call(r, kCall_Win_create, 6).f(kF_new_win, 7).a(kF_members, {0, 1, 2, 3});
  b.call(0, kCall_Win_fence, 8).f(kF_win, 7).unreturned();
  b.call(1, kCall_Win_fence, 8).f(kF_win, 7).unreturned();
  b.call(2, kCall_Win_free, 12).f(kF_win, 7).unreturned();
  b.unfinished(3);  // rank 3 is outside MPI (computing)
  b.timed_out(10);
  Model m = b.build();
  Analysis analysis = run_detectors(m);
  ASSERT_EQ(analysis.findings.size(), 1u);
  const Finding& f = analysis.findings[0];
  EXPECT_EQ(f.kind, kKind_hang);
  ASSERT_EQ(f.accesses.size(), 3u);
  EXPECT_EQ(f.accesses[0].event.rank, 0);
  EXPECT_EQ(m.event(f.accesses[2].event).call, kCall_Win_free);
  EXPECT_NE(f.message.find("rank 3 not inside an MPI call"), std::string::npos) << f.message;

  nlohmann::json report = build_report(m, analysis);
  EXPECT_EQ(report["summary"]["errors"], 1);
  EXPECT_EQ(report["run"]["hang"]["blocked"].size(), 3u);
  EXPECT_EQ(report["findings"][0]["accesses"][2]["location"]["line"], 12);
  EXPECT_EQ(report_exit_status(report), 1);
}

TEST(HangDetector, ShowsWhereTheStopSignalFoundARankOutsideMpi) {
  // Rank 0 is blocked in a receive; rank 1 spins outside MPI, and its stop note says on which line.
  LogBuilder b(2);
  b.call(0, kCall_Recv, 20).f(kF_comm, 1).f(kF_recv_peer, 1).f(kF_recv_tag, 0).unreturned();
  b.call(1, kCall_Win_lock_all, 18).f(kF_win, 7);
  b.call(1, kCall_Stopped, 23);
  b.unfinished(1);
  b.timed_out(8);
  Model m = b.build();
  Analysis analysis = run_detectors(m);
  const Finding* hang = hang_of(analysis);
  ASSERT_NE(hang, nullptr);
  ASSERT_EQ(hang->accesses.size(), 2u);
  EXPECT_EQ(m.event(hang->accesses[0].event).call, kCall_Recv);
  EXPECT_EQ(m.event(hang->accesses[1].event).call, kCall_Stopped);
  EXPECT_EQ(hang->accesses[1].event.rank, 1);
  EXPECT_NE(hang->message.find("with ranks blocked in MPI calls: rank 0 in MPI_Recv; rank 1 not inside an MPI call "
                               "(computing, or waiting outside MPI; where: below)"),
            std::string::npos)
      << hang->message;
  EXPECT_EQ(hang->details["blocked"].size(), 1u);  // the stopped rank is not blocked in a call
  nlohmann::json report = build_report(m, analysis);
  const nlohmann::json* finding = nullptr;
  for (const auto& f : report["findings"])
    if (f["kind"] == "hang") finding = &f;
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ((*finding)["accesses"][1]["location"]["line"], 23);
  // The run summary names the rank's last MPI call, and where it was stopped after it.
  const nlohmann::json& unfinished = report["run"]["unfinished"];
  ASSERT_EQ(unfinished.size(), 2u);
  EXPECT_EQ(unfinished[1]["call"], "MPI_Win_lock_all");
  EXPECT_EQ(unfinished[1]["location"]["line"], 18);
  EXPECT_EQ(unfinished[1]["stopped_at"]["line"], 23);
  EXPECT_FALSE(unfinished[0].contains("stopped_at"));
}

TEST(HangDetector, SaysWhenTheStopSignalFoundARankInsideRmacheck) {
  // Rank 1's stop note was written in rmacheck's own code (the guard's fault handler, a wrapper
  // outside its MPI call): the hang is rmacheck's, not the program computing.
  LogBuilder b(2);
  b.call(0, kCall_Win_free, 30).f(kF_win, 7).unreturned();
  b.call(1, kCall_Win_fence, 24).f(kF_win, 7);
  b.call(1, kCall_Stopped, 26).f(kF_in_rmacheck, 1);
  b.unfinished(1);
  b.timed_out(8);
  Model m = b.build();
  Analysis analysis = run_detectors(m);
  const Finding* hang = hang_of(analysis);
  ASSERT_NE(hang, nullptr);
  ASSERT_EQ(hang->accesses.size(), 2u);
  EXPECT_EQ(hang->accesses[1].access, "stopped in rmacheck");
  EXPECT_EQ(hang->message.find("not inside an MPI call"), std::string::npos) << hang->message;
  EXPECT_NE(hang->message.find("rank 1 stopped inside rmacheck's own code, not the program's (a defect of rmacheck"),
            std::string::npos)
      << hang->message;
  nlohmann::json report = build_report(m, analysis);
  const nlohmann::json& unfinished = report["run"]["unfinished"];
  ASSERT_EQ(unfinished.size(), 2u);
  EXPECT_EQ(unfinished[1]["in_rmacheck"], true);
  EXPECT_EQ(unfinished[1]["stopped_at"]["line"], 26);
  EXPECT_FALSE(unfinished[0].contains("in_rmacheck"));
  const std::string text = render_text(report);
  EXPECT_NE(text.find("stopped inside rmacheck's own code (a defect of rmacheck, please report it) at"),
            std::string::npos)
      << text;
}

TEST(HangDetector, NamesPendingSendsAndReceivesWithTagAndCommunicator) {
  // A persistent send with tag 4 and a receive waiting for tag 5: meant to pair, they never match.
  LogBuilder b(2);
  b.call(0, kCall_Send_init, 10)
      .f(kF_comm, 1)
      .f(kF_buf, 4096)
      .f(kF_count, 1)
      .f(kF_type, 6)
      .f(kF_peer, 1)
      .f(kF_tag, 4)
      .f(kF_new_req, 1);
  b.call(0, kCall_Start, 11).a(kF_req, {1});
  b.call(0, kCall_Wait, 12).a(kF_req, {1}).unreturned();
  b.call(1, kCall_Recv, 20)
      .f(kF_comm, 1)
      .f(kF_recv_buf, 4096)
      .f(kF_recv_count, 1)
      .f(kF_recv_type, 6)
      .f(kF_recv_peer, 0)
      .f(kF_recv_tag, 5)
      .unreturned();
  b.timed_out(10);
  Model m = b.build();
  Analysis analysis = run_detectors(m);
  const Finding* hang = hang_of(analysis);
  ASSERT_NE(hang, nullptr);
  EXPECT_NE(hang->message.find("pending point-to-point operations, never completed: rank 0 MPI_Send_init to rank 1 "
                               "(tag 4, MPI_COMM_WORLD); rank 1 MPI_Recv from rank 0 (tag 5, MPI_COMM_WORLD)"),
            std::string::npos)
      << hang->message;
  EXPECT_EQ(hang->details["pending"].size(), 2u);
  EXPECT_EQ(hang->accesses.size(), 2u);  // the blocked calls only: Wait and Recv
}

TEST(Report, MergesRepeatedFindingsWithACount) {
  LogBuilder b(2);
  b.call(0, kCall_Barrier, 3).f(kF_comm, 1).unreturned();
  b.call(1, kCall_Barrier, 3).f(kF_comm, 1).unreturned();
  Model m = b.build();
  Analysis a;
  a.findings.resize(2);
  std::vector<Finding>& fs = a.findings;
  for (int r = 0; r < 2; ++r) {
    fs[r].kind = kKind_resource_leak;
    fs[r].message = "leak";
    fs[r].where = EventRef{r, 0};
  }
  nlohmann::json report = build_report(m, a);
  ASSERT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["findings"][0]["count"], 2);
  EXPECT_EQ(report["findings"][0]["ranks"], nlohmann::json({0, 1}));
  EXPECT_EQ(report["summary"]["warnings"], 1);
  EXPECT_EQ(report_exit_status(report), 0);  // warnings alone pass
}

}  // namespace
}  // namespace rmacheck
