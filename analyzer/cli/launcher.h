// Starts the MPI job for `rmacheck run` with the interposition library
// preloaded, bounds it with a timeout, stops the whole job when rmacheck
// itself is interrupted, and reports how it ended.
//
// The launcher's stderr (and, when the report owns stdout, its stdout too)
// goes through rmacheck: passed on to the user's stderr unchanged and read
// on the way for what Open MPI says about failures (launcher_messages.h).
#pragma once

#include <string>
#include <vector>

#include "cli/launcher_messages.h"
#include "cli/mpi_family.h"

namespace rmacheck {

struct LaunchOptions {
  int ranks = 0;         // 0: let mpirun decide
  double timeout_s = 0;  // 0: no limit
  std::string log_dir;
  std::string run_id;                   // stamped into every log header (RMACHECK_RUN_ID)
  MpiFamily mpi = MpiFamily::kOpenMpi;  // whose launcher, and how it is told the ranks' environment
  std::vector<std::string> mpirun;      // launcher command prefix (default: the family's own, by name)
  std::vector<std::string> program;     // PROGRAM ARGS...
  bool keep_going = false;              // do not stop the job when one rank exits with an error
  bool stdout_to_stderr = false;        // the report is on stdout: the job's stdout goes to stderr
  double kill_grace_s = 2;              // SIGTERM, then SIGKILL after this long
  bool guard_memory = false;            // --guard-memory: loads and stores seen through protected pages
  std::vector<std::string> env;         // VAR=VALUE passed to every rank (-x), e.g. RMACHECK_STACK_DEPTH
};

struct LaunchResult {
  bool started = false;
  std::string error;  // why the job could not be started
  int exit_status = -1;
  int exit_signal = 0;
  bool timed_out = false;
  int interrupted_by = 0;  // the signal (SIGINT, SIGTERM, SIGHUP) that stopped `rmacheck run`
  double duration_s = 0;
  int launcher_pid = 0;
  LauncherMessages messages;
};

LaunchResult launch(const LaunchOptions& opts, const std::string& interposer);
// The interposer built for this MPI next to this executable: <prefix>/bin/rmacheck ->
// <prefix>/lib/librmacheck.so (Open MPI) or <prefix>/lib/librmacheck-mpich.so (MPICH).
std::string interposer_file_name(MpiFamily mpi);
std::string find_interposer_library(MpiFamily mpi = MpiFamily::kOpenMpi);
// What run.json says about this launch.
RunMeta run_meta_of(const LaunchOptions& opts, const LaunchResult& result);
// Writes DIR/run.json for `rmacheck analyze DIR` (a new file: never through a link or over
// another file). A file that could not be written whole is removed.
bool write_run_meta(const std::string& log_dir, const RunMeta& meta, std::string& error);

}  // namespace rmacheck
