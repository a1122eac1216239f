// What Open MPI (and MPICH, for a call it aborted in) says on the launcher's output when a job goes wrong, read
// line by line while `rmacheck run` passes that output on to the user
// unchanged: the error block a rank prints when the MPI library aborts
// inside a call ("*** An error occurred in MPI_Put ... MPI_ERR_TYPE:
// invalid datatype"), mpirun's notes on ranks that died by a signal or exited
// non-zero, and the help text mpirun prints when it refuses to start a job.
// The logs cannot tell these: a call the library aborted in has no exit
// record, and a process that never started has no log.
#pragma once

#include <map>
#include <string>

#include "model/run_meta.h"

namespace rmacheck {

// Incremental reader: feed() raw bytes as they arrive; lines are split here.
class LauncherOutputScanner {
 public:
  void feed(const char* data, size_t n);
  void finish();  // the last line, if it had no newline
  const LauncherMessages& messages() const { return out_; }

 private:
  void line(const std::string& text);
  LauncherMessages out_;
  std::string partial_;
  std::map<std::string, LibraryAbort> open_aborts_;  // by "[host:pid]" prefix: blocks of ranks interleave
  bool in_block_ = false;
  std::string block_;
  int pending_exit_rank_ = -1;  // "Process name" seen, "Exit code" expected
};

}  // namespace rmacheck
