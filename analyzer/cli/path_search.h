// Finding programs on PATH, for the commands that start another program by
// a name that may or may not be installed (mpirun.openmpi or mpirun,
// mpicc.openmpi or mpicc, mpiexec.mpich or mpiexec).
#pragma once

#include <string>
#include <vector>

namespace rmacheck {

// Whether NAME is an executable file in one of PATH's directories (an
// empty entry is the current directory, as for execvp).
bool on_path(const std::string& name);

// The first of NAMES that is on PATH, else the last one (which execvp then
// fails on with the usual "not found").
std::string first_on_path(const std::vector<std::string>& names);

}  // namespace rmacheck
