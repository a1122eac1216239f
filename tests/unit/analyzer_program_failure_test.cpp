// program-failed and mpi-error on hand-built logs and run.json contents.
#include <gtest/gtest.h>

#include <csignal>

#include "detectors/detector.h"
#include "log_builder.h"
#include "report/report.h"

namespace rmacheck {
namespace {

std::vector<const Finding*> of_kind(const Analysis& a, FindingKind k) {
  std::vector<const Finding*> out;
  for (const Finding& f : a.findings)
    if (f.kind == k) out.push_back(&f);
  return out;
}

void clean_ranks(LogBuilder& b, int n) {
  for (int r = 0; r < n; ++r) {
    b.call(r, kCall_Init, 3);
    b.call(r, kCall_Barrier, 4).f(kF_comm, 1);
    b.call(r, kCall_Finalize, 5);
  }
}

TEST(ProgramFailure, CleanRunHasNoFinding) {
  LogBuilder b(2);
  clean_ranks(b, 2);
  b.meta().exit_status = 0;
  Model m = b.build();
  Analysis a = run_detectors(m);
  EXPECT_TRUE(of_kind(a, kKind_program_failed).empty());
  EXPECT_TRUE(of_kind(a, kKind_mpi_error).empty());
}

TEST(ProgramFailure, PlainRouteWithoutRunJsonAndAllFinishedIsClean) {
  LogBuilder b(3);
  clean_ranks(b, 3);
  Model m = b.build();  // no run.json: exit status unknown
  EXPECT_TRUE(run_detectors(m).findings.empty());
}

TEST(ProgramFailure, SignalNamesTheRankAndItsLastCall) {
  LogBuilder b(3);
  for (int r = 0; r < 3; ++r) b.call(r, kCall_Init, 3);
  b.call(0, kCall_Barrier, 9).f(kF_comm, 1).unreturned();  // killed by mpirun afterwards
  b.call(1, kCall_Win_fence, 7).f(kF_win, 5);              // segfaulted after the fence
  b.unfinished(1);
  b.call(2, kCall_Barrier, 9).f(kF_comm, 1).unreturned();
  RunMeta& meta = b.meta();
  meta.exit_status = 139;
  meta.launcher.rank_exits.push_back({1, SIGSEGV, 0, "Segmentation fault"});
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  const Finding& f = *pf[0];
  EXPECT_NE(f.message.find("rank 1 died by signal 11 (Segmentation fault) after its last MPI call, MPI_Win_fence"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("ranks 0,2 stopped when the job was aborted"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("exit status 139"), std::string::npos) << f.message;
  ASSERT_EQ(f.accesses.size(), 1u);  // the culprit's side only
  EXPECT_EQ(f.accesses[0].event.rank, 1);
  nlohmann::json report = build_report(m, a);
  EXPECT_EQ(report_exit_status(report), 1);
}

TEST(ProgramFailure, AbortNamesTheErrorCode) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Init, 3);
  b.call(1, kCall_Abort, 12).f(kF_comm, 1).f(kF_error_code, 42).unreturned();
  b.call(0, kCall_Barrier, 9).f(kF_comm, 1).unreturned();
  b.meta().exit_status = 42;
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  EXPECT_NE(pf[0]->message.find("rank 1 called MPI_Abort (errorcode 42)"), std::string::npos) << pf[0]->message;
  ASSERT_EQ(pf[0]->accesses.size(), 1u);
  EXPECT_EQ(m.event(pf[0]->accesses[0].event).call, kCall_Abort);
}

TEST(ProgramFailure, NonZeroExitAfterFinalize) {
  LogBuilder b(2);
  clean_ranks(b, 2);
  b.meta().exit_status = 3;
  b.meta().launcher.rank_exits.push_back({1, 0, 3, ""});
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  EXPECT_NE(pf[0]->message.find("rank 1 exited with status 3 after MPI_Finalize"), std::string::npos) << pf[0]->message;
}

TEST(ProgramFailure, UnfinishedRankOnThePlainRoute) {
  LogBuilder b(2);
  clean_ranks(b, 1);
  b.call(1, kCall_Init, 3);
  b.call(1, kCall_Barrier, 4).f(kF_comm, 1);
  b.unfinished(1);
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  EXPECT_NE(pf[0]->message.find("rank 1 ended without reaching MPI_Finalize after its last MPI call, MPI_Barrier"),
            std::string::npos)
      << pf[0]->message;
}

TEST(ProgramFailure, TheInterposersSignalNoteNamesTheSignalOnThePlainRoute) {
  LogBuilder b(2);
  clean_ranks(b, 1);
  b.call(1, kCall_Init, 3);
  b.call(1, kCall_Send, 6).f(kF_comm, 1);
  b.unfinished(1);
  Model m = b.build();  // no run.json
  const_cast<RankLog*>(m.rank_log(1))->fatal_signal = 11;
  Analysis a = run_detectors(m);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  EXPECT_NE(pf[0]->message.find("rank 1 died by signal 11 (SIGSEGV) after its last MPI call, MPI_Send"),
            std::string::npos)
      << pf[0]->message;
}

TEST(ProgramFailure, TimeoutStaysAHangButAnEarlierCrashIsReported) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Init, 3);
  b.call(0, kCall_Recv, 8).f(kF_comm, 1).unreturned();
  b.call(1, kCall_Barrier, 9).f(kF_comm, 1).unreturned();
  b.timed_out(5);
  b.meta().exit_status = 143;
  // mpirun's notes on the ranks rmacheck stopped are not the program's failures.
  b.meta().launcher.rank_exits.push_back({0, SIGTERM, 0, "Terminated"});
  {
    Model m = b.build();
    Analysis a = run_detectors(m);
    EXPECT_EQ(of_kind(a, kKind_hang).size(), 1u);
    EXPECT_TRUE(of_kind(a, kKind_program_failed).empty());
  }
  LogBuilder c(2);
  for (int r = 0; r < 2; ++r) c.call(r, kCall_Init, 3);
  c.call(0, kCall_Recv, 8).f(kF_comm, 1).unreturned();
  c.call(1, kCall_Send, 9).f(kF_comm, 1);
  c.unfinished(1);
  c.timed_out(5);
  c.meta().launcher.rank_exits.push_back({1, SIGSEGV, 0, "Segmentation fault"});
  Model m = c.build();
  Analysis a = run_detectors(m);
  EXPECT_EQ(of_kind(a, kKind_hang).size(), 1u);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  EXPECT_NE(pf[0]->message.find("rank 1 died by signal 11"), std::string::npos) << pf[0]->message;
}

TEST(ProgramFailure, InterruptionIsReportedWithTheStoppedRanks) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Init, 3);
  b.call(0, kCall_Recv, 8).f(kF_comm, 1).unreturned();
  b.call(1, kCall_Win_lock, 9).f(kF_win, 4).unreturned();
  b.meta().interrupted_by = SIGINT;
  b.meta().duration_s = 3;
  b.meta().exit_status = 143;
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  EXPECT_NE(pf[0]->message.find("interrupted by SIGINT after 3 s"), std::string::npos) << pf[0]->message;
  EXPECT_EQ(pf[0]->accesses.size(), 2u);
  EXPECT_EQ(pf[0]->details["interrupted_by"], "SIGINT");
  // The lock cut short by the interruption is not an unclosed epoch.
  EXPECT_TRUE(of_kind(a, kKind_unclosed_epoch).empty());
}

TEST(MpiError, ReturnedErrorCodeWithTheLibrarysString) {
  LogBuilder b(1);
  b.call(0, kCall_Init, 3);
  EventRef put = b.call(0, kCall_Put, 7).f(kF_win, 4).rc(8).ref();
  b.call(0, kCall_Finalize, 9);
  Model m = b.build();
  // The error string is a STRING record of the log.
  RankLog& log = const_cast<RankLog&>(*m.rank_log(0));
  log.strings[77] = "MPI_ERR_RMA_SYNC: error executing rma sync";
  log.pool.add(log.events[put.index], kF_error_string, 77);  // an output: logged after the call
  Analysis a = run_detectors(m);
  auto me = of_kind(a, kKind_mpi_error);
  ASSERT_EQ(me.size(), 1u);
  EXPECT_EQ(me[0]->message, "MPI_Put returned an error: MPI_ERR_RMA_SYNC: error executing rma sync (error code 8)");
  ASSERT_EQ(me[0]->accesses.size(), 1u);
  EXPECT_EQ(me[0]->accesses[0].event.index, put.index);
}

TEST(MpiError, LibraryAbortPointsAtTheUnreturnedCall) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Init, 3);
  b.call(0, kCall_Barrier, 9).f(kF_comm, 1).unreturned();
  EventRef put = b.call(1, kCall_Put, 7).f(kF_win, 4).unreturned().ref();
  b.meta().exit_status = 53;
  b.meta().launcher.library_aborts.push_back({1, "MPI_Put", "MPI_ERR_TYPE", "invalid datatype"});
  Model m = b.build();
  Analysis a = run_detectors(m);
  auto me = of_kind(a, kKind_mpi_error);
  ASSERT_EQ(me.size(), 1u);
  EXPECT_EQ(me[0]->message, "the MPI library aborted the job inside MPI_Put on rank 1: MPI_ERR_TYPE: invalid datatype");
  ASSERT_EQ(me[0]->accesses.size(), 1u);
  EXPECT_EQ(me[0]->accesses[0].event.index, put.index);
  auto pf = of_kind(a, kKind_program_failed);
  ASSERT_EQ(pf.size(), 1u);
  EXPECT_NE(pf[0]->message.find("rank 1 was aborted by the MPI library"), std::string::npos) << pf[0]->message;
}

}  // namespace
}  // namespace rmacheck
