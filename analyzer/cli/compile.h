// `rmacheck mpicc|mpicxx ARGS...` and `rmacheck cc|cxx COMPILER ARGS...`:
// compile with the compiler's ThreadSanitizer instrumentation and link
// rmacheck's own access runtime (librmacheck_access.so, with an rpath)
// instead of libtsan, so that the program's loads and stores of window
// memory and of pending buffers reach the log when it runs under rmacheck.
#pragma once

#include <string>
#include <vector>

namespace rmacheck {

// Runs the compiler; returns its exit status (2 when it cannot be started).
int compile_command(const std::string& command, const std::vector<std::string>& args);

// The arguments of the steps one compiler invocation becomes (exposed for tests).
struct CompilePlan {
  bool passthrough = false;  // preprocessing, version queries: run as given
  bool compiles = false;     // it compiles a source (so plugin flags would go into a step)
  std::vector<std::vector<std::string>> steps;
  std::string temp_dir;  // objects of a compile-and-link invocation, removed afterwards
};
// PLUGIN_FLAGS go into every compile step (the loop plugin's -fplugin, when the compiler can load it).
CompilePlan plan_compile(const std::string& compiler, const std::vector<std::string>& args, const std::string& libdir,
                         const std::string& temp_dir, const std::vector<std::string>& plugin_flags = {});

}  // namespace rmacheck
