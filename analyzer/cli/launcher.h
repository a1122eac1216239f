// Starts the MPI job for `rmacheck run` with the interposition library
// preloaded, bounds it with a timeout, and reports how it ended.
#pragma once

#include <string>
#include <vector>

namespace rmacheck {

struct LaunchOptions {
  int ranks = 0;         // 0: let mpirun decide
  double timeout_s = 0;  // 0: no limit
  std::string log_dir;
  std::vector<std::string> mpirun;   // launcher command prefix (default: Open MPI's mpirun)
  std::vector<std::string> program;  // PROGRAM ARGS...
  bool keep_going = false;           // do not stop the job when one rank exits with an error
  std::vector<std::string> env;      // VAR=VALUE passed to every rank (-x), e.g. RMACHECK_STACK_DEPTH
};

struct LaunchResult {
  bool started = false;
  std::string error;  // why the job could not be started
  int exit_status = -1;
  int exit_signal = 0;
  bool timed_out = false;
  double duration_s = 0;
};

LaunchResult launch(const LaunchOptions& opts, const std::string& interposer);
// librmacheck.so next to this executable: <prefix>/bin/rmacheck -> <prefix>/lib/librmacheck.so.
std::string find_interposer_library();
// Writes DIR/run.json for `rmacheck analyze DIR`.
void write_run_meta(const LaunchOptions& opts, const LaunchResult& result);

}  // namespace rmacheck
