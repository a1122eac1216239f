// What `rmacheck run` knew about the run, kept in DIR/run.json beside the
// logs: the command, how the job ended (exit status, timeout, interruption),
// the run id every log header must carry, and what Open MPI said on the
// launcher's output about failures that leave no trace in a log (a call
// the library aborted in, a rank that died by a signal). The launcher
// writes it and the analyzer reads it through the functions here, so the
// two cannot disagree on the format.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rmacheck {

// "*** An error occurred in MPI_Put / reported by process [J,1] / *** MPI_ERR_TYPE: invalid datatype"
struct LibraryAbort {
  int rank = -1;  // -1 when the block did not say
  std::string call, error_class, error_string;
};

// mpirun's "process rank 1 ... exited on signal 11 (Segmentation fault)" or "Exit code: 3".
struct RankExit {
  int rank = -1;
  int signal = 0;     // > 0: died by this signal
  int exit_code = 0;  // != 0: exited with this status
  std::string signal_name;
};

struct LauncherMessages {
  std::vector<LibraryAbort> library_aborts;
  std::vector<RankExit> rank_exits;
  std::vector<std::string> help_blocks;  // mpirun's boxed messages (first paragraph, whitespace collapsed)
  std::string missing_module;            // a "No module named ..." line seen on the output
  bool not_executable = false;           // mpirun could not access or execute the program

  // The first boxed message that says why a job did not start, or "".
  std::string refusal() const;
};

// Absent (present == false) when the logs came from a plain mpirun.
struct RunMeta {
  bool present = false;
  std::string run_id;  // "" : not recorded (older rmacheck)
  std::vector<std::string> command;
  int ranks = 0;
  std::optional<int> exit_status;
  std::optional<int> exit_signal;
  bool timed_out = false;
  double timeout_s = 0;
  int interrupted_by = 0;  // signal that stopped `rmacheck run` (Ctrl-C, SIGTERM, SIGHUP)
  double duration_s = 0;
  int launcher_pid = 0;
  LauncherMessages launcher;

  // The job was stopped by rmacheck (--timeout or an interruption), not by its own failure.
  bool stopped() const { return timed_out || interrupted_by != 0; }
};

std::string signal_name(int sig);  // "SIGINT", or the number

nlohmann::json run_meta_json(const RunMeta& meta);
// Fills meta from a run.json document; false with a one-line reason when a
// field has the wrong type (the caller names the file).
bool parse_run_meta(const nlohmann::json& j, RunMeta& meta, std::string& error);

}  // namespace rmacheck
