// What `rmacheck run` reads from mpirun's output: Open MPI 4.1's texts as printed on this machine.
#include <gtest/gtest.h>

#include <string>

#include "cli/launcher_messages.h"

namespace rmacheck {
namespace {

LauncherMessages scan(const std::string& text, size_t chunk = 7) {
  LauncherOutputScanner s;
  for (size_t i = 0; i < text.size(); i += chunk) s.feed(text.data() + i, std::min(chunk, text.size() - i));
  s.finish();
  return s.messages();
}

const char* kRule = "--------------------------------------------------------------------------\n";

TEST(LauncherMessages, ErrorBlocksOfTwoRanksInterleaved) {
  const std::string text =
      "[vm:21023] *** An error occurred in MPI_Put\n"
      "[vm:21024] *** An error occurred in MPI_Win_fence\n"
      "[vm:21023] *** reported by process [1055129601,1]\n"
      "[vm:21024] *** reported by process [1055129601,0]\n"
      "[vm:21023] *** on win rdma window 3\n"
      "[vm:21023] *** MPI_ERR_TYPE: invalid datatype\n"
      "[vm:21024] *** MPI_ERR_RMA_SYNC: error executing rma sync\n"
      "[vm:21023] *** MPI_ERRORS_ARE_FATAL (processes in this win will now abort,\n"
      "[vm:21023] ***    and potentially your MPI job)\n";
  LauncherMessages m = scan(text);
  ASSERT_EQ(m.library_aborts.size(), 2u);
  EXPECT_EQ(m.library_aborts[0].rank, 1);
  EXPECT_EQ(m.library_aborts[0].call, "MPI_Put");
  EXPECT_EQ(m.library_aborts[0].error_class, "MPI_ERR_TYPE");
  EXPECT_EQ(m.library_aborts[0].error_string, "invalid datatype");
  EXPECT_EQ(m.library_aborts[1].rank, 0);
  EXPECT_EQ(m.library_aborts[1].call, "MPI_Win_fence");
  EXPECT_EQ(m.library_aborts[1].error_class, "MPI_ERR_RMA_SYNC");
  EXPECT_TRUE(m.refusal().empty());
}

// MPICH 4.0 (ch4:ucx) aborting two ranks inside MPI_Win_free, as printed on this machine.
TEST(LauncherMessages, MpichAborts) {
  const std::string text =
      "Abort(68336434) on node 0 (rank 0 in comm 0): Fatal error in internal_Win_free: Wrong synchronization of "
      "RMA calls , error stack:\n"
      "internal_Win_free(99)...: MPI_Win_free(win=0x7ffefdbccafc) failed\n"
      "MPIDIG_mpi_win_free(838): Wrong synchronization of RMA calls \n"
      "Abort(940751666) on node 3 (rank 3 in comm 0): Fatal error in PMPI_Put: Invalid datatype, error stack:\n";
  LauncherMessages m = scan(text);
  ASSERT_EQ(m.library_aborts.size(), 2u);
  EXPECT_EQ(m.library_aborts[0].rank, 0);
  EXPECT_EQ(m.library_aborts[0].call, "MPI_Win_free");
  EXPECT_EQ(m.library_aborts[0].error_string, "Wrong synchronization of RMA calls");
  EXPECT_EQ(m.library_aborts[1].rank, 3);
  EXPECT_EQ(m.library_aborts[1].call, "MPI_Put");
  EXPECT_EQ(m.library_aborts[1].error_string, "Invalid datatype");
}

TEST(LauncherMessages, SignalAndExitCodeOfRanks) {
  const std::string text = std::string(kRule) +
                           "Primary job  terminated normally, but 1 process returned\n"
                           "a non-zero exit code. Per user-direction, the job has been aborted.\n" +
                           kRule + kRule +
                           "mpirun.openmpi noticed that process rank 1 with PID 0 on node vm exited on signal 11 "
                           "(Segmentation fault).\n" +
                           kRule + kRule +
                           "mpirun.openmpi detected that one or more processes exited with non-zero status, thus "
                           "causing\nthe job to be terminated. The first process to do so was:\n\n"
                           "  Process name: [[16115,1],2]\n  Exit code:    3\n" +
                           kRule;
  LauncherMessages m = scan(text, 5);
  ASSERT_EQ(m.rank_exits.size(), 2u);
  EXPECT_EQ(m.rank_exits[0].rank, 1);
  EXPECT_EQ(m.rank_exits[0].signal, 11);
  EXPECT_EQ(m.rank_exits[0].signal_name, "Segmentation fault");
  EXPECT_EQ(m.rank_exits[1].rank, 2);
  EXPECT_EQ(m.rank_exits[1].exit_code, 3);
  EXPECT_EQ(m.help_blocks.size(), 3u);
  EXPECT_TRUE(m.refusal().empty()) << m.refusal();  // all three are about a job that ran
}

TEST(LauncherMessages, RefusalsAreQuotedByTheirFirstParagraph) {
  const std::string slots =
      std::string(kRule) +
      "There are not enough slots available in the system to satisfy the 5\n"
      "slots that were requested by the application:\n\n  ./seg\n\n"
      "Either request fewer slots for your application, or make more slots\navailable for use.\n" +
      kRule;
  EXPECT_EQ(scan(slots).refusal(),
            "There are not enough slots available in the system to satisfy the 5 slots that were requested by the "
            "application: ./seg");
  const std::string root = std::string(kRule) +
                           "mpirun.openmpi has detected an attempt to run as root.\n\n"
                           "Running as root is *strongly* discouraged as any mistake (e.g., in\n" +
                           kRule;
  EXPECT_EQ(scan(root).refusal(), "mpirun.openmpi has detected an attempt to run as root.");
  const std::string missing = std::string(kRule) +
                              "mpirun.openmpi was unable to launch the specified application as it could not access\n"
                              "or execute an executable:\n\nExecutable: ./nope\nNode: vm\n\n" +
                              kRule;
  LauncherMessages m = scan(missing);
  EXPECT_TRUE(m.not_executable);
  EXPECT_NE(m.refusal().find("Executable: ./nope"), std::string::npos) << m.refusal();
}

TEST(LauncherMessages, MissingMpi4pyAndOrdinaryOutput) {
  LauncherMessages m = scan(
      "hello from rank 0 *** not an error\n"
      "/root/.pyenv/versions/3.11.7/bin/python3: No module named mpi4py\n"
      "a line without a newline at the end");
  EXPECT_EQ(m.missing_module, "/root/.pyenv/versions/3.11.7/bin/python3: No module named mpi4py");
  EXPECT_TRUE(m.library_aborts.empty());
  EXPECT_TRUE(m.rank_exits.empty());
}

}  // namespace
}  // namespace rmacheck
