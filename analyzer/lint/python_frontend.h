// mpi4py scripts to lint IR: runs the helper mpi4py_lint.py (installed in
// share/rmacheck next to the tool) with /usr/bin/python3, which lowers each
// script with Python's ast module and prints the IR as JSON (lint_ir_json.h).
#pragma once

#include <string>
#include <vector>

#include "lint/lint_ir.h"

namespace rmacheck::lint {

// The helper script, found relative to this executable; "" when missing.
std::string find_python_helper();

// Lowers every script in `files` (one helper run). On failure returns false
// with a one-line reason; per-file syntax errors come back in `errors`.
bool parse_python(const std::vector<std::string>& files, std::vector<Unit>& out, std::vector<std::string>& errors,
                  std::string& error);

}  // namespace rmacheck::lint
