// rmacheck analyze in parallel: the MPI build of the analysis is its own
// small program, rmacheck-analyze-mpi (analyzer/parallel/), next to rmacheck,
// so that rmacheck itself never needs an MPI library at run time. rmacheck
// hands over to it in two ways: `rmacheck analyze -j K` starts it under
// mpirun, and `mpirun -n K rmacheck analyze DIR` (rmacheck started as an MPI
// process) becomes it by exec.
#pragma once

#include <string>
#include <vector>

namespace rmacheck {

// The environment variable by which `analyze -j K` learns the report's exit
// status: the reporting process writes it to this file and every process exits
// 0, so that mpirun neither prints its "a process returned non-zero" block
// nor stops the job early.
constexpr const char* kAnalyzeStatusFileEnv = "RMACHECK_ANALYZE_STATUS_FILE";

// rmacheck was started by Open MPI's mpirun (or mpiexec) as one of several processes.
bool started_by_mpirun();
// Replaces this process by rmacheck-analyze-mpi with the same analyze arguments; returns 2 if it cannot.
int exec_mpi_analyze(const std::vector<std::string>& analyze_args);
// Runs rmacheck-analyze-mpi as `jobs` processes under mpirun.openmpi and returns the report's exit status.
int launch_mpi_analyze(int jobs, const std::vector<std::string>& analyze_args);

}  // namespace rmacheck
