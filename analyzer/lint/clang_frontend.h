// C and C++ sources to lint IR (lint_ir.h) through libclang's C API: parse
// with the real MPI headers, then lower every function defined in the file
// to a control-flow graph of statements carrying MPI calls, loads/stores
// and rank assignments.
#pragma once

#include <string>
#include <vector>

#include "lint/lint_ir.h"

namespace rmacheck::lint {

class ClangFrontend {
 public:
  ClangFrontend();
  ~ClangFrontend();
  ClangFrontend(const ClangFrontend&) = delete;
  ClangFrontend& operator=(const ClangFrontend&) = delete;

  // Parses `file` with compiler arguments `args` (no compiler name, no -c/-o).
  // On failure returns false with a one-line reason. Compiler errors in the
  // file (a missing header, a syntax error) are returned in `diagnostics`:
  // the checks still run on what parsed. With `contents`, the file is that
  // text (an unsaved file: it need not exist on disk).
  bool parse(const std::string& file, const std::vector<std::string>& args, Unit& out, std::string& error,
             std::vector<std::string>& diagnostics, const std::string* contents = nullptr);

 private:
  void* index_;  // CXIndex
};

}  // namespace rmacheck::lint
