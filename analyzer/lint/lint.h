// rmacheck lint: the static checker. Parses C/C++ files with libclang
// (clang_frontend.h) and mpi4py scripts with Python's ast module
// (python_frontend.h), runs every check of checks.cpp on every function, and
// returns the findings as an Analysis, so that they go through the same
// report (merging, suppressions, text/JSON/SARIF) as the dynamic ones.
#pragma once

#include <string>
#include <vector>

#include "detectors/finding.h"
#include "lint/lint_ir.h"

namespace rmacheck::lint {

struct LintOptions {
  std::vector<std::string> files;           // sources (.c/.cpp/... and .py)
  std::vector<std::string> compiler_flags;  // after `--`
  std::string build_dir;                    // -p: compile_commands.json there
  bool dump_ir = false;                     // print the IR of each file as JSON instead of checking
};

// Fills `out` (findings, out.lint). Returns false with a one-line reason when
// nothing could be checked (unreadable compile database, no parser). Files
// that fail to parse (compiler errors, Python syntax errors) are skipped:
// their diagnostics are in out.lint["errors"], and one line per such file in
// out.lint["unparsed"] (rmacheck lint then exits with status 2).
bool run_lint(const LintOptions& opts, Analysis& out, std::string& error);

// Every check of checks.cpp on every function of one parsed unit.
void check_unit(const Unit& unit, std::vector<Finding>& out);

// The compiler flags of the MPI installation (`mpicc.openmpi --showme:compile`),
// found once; empty if no MPI compiler wrapper is installed.
const std::vector<std::string>& mpi_compile_flags(bool cxx);

}  // namespace rmacheck::lint
