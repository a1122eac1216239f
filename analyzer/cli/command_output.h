// Running a helper command and reading what it prints (the compiler's plugin directory for
// `rmacheck mpicc`, the interpreter's mpi4py module for `rmacheck run`).
#pragma once

#include <string>
#include <vector>

namespace rmacheck {

// What ARGV (argv[0] looked up on PATH) prints on stdout, its stderr dropped, trailing newlines
// removed; "" when it cannot run, fails, or has not finished within TIMEOUT_SECONDS (then it is
// killed: a helper that hangs must not hang rmacheck).
std::string command_output(const std::vector<std::string>& argv, int timeout_seconds);

}  // namespace rmacheck
