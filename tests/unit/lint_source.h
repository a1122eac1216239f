// What the lint unit tests share: small C sources parsed from memory by
// libclang (unsaved files, with the MPI headers), mpi4py sources lowered by
// the real mpi4py_lint.py helper, every check run on them, and findings
// reduced to "kind at=NAME,NAME" strings with the `@NAME` line markers of the
// samples (tests/integration/check_sample.py), so a test reads like a sample.
#pragma once

#include <string>
#include <vector>

#include "detectors/finding.h"
#include "lint/lint_ir.h"

namespace rmacheck::lint::testing {

// Parses C (or C++ with a .cpp name) from memory; fails the test on parse errors.
Unit parse_c(const std::string& source, const std::string& name = "lint_test.c");
// Lowers an mpi4py script (written to a temporary file) with mpi4py_lint.py.
Unit parse_py(const std::string& source);

std::vector<Finding> lint(const Unit& unit);
std::vector<Finding> lint_c(const std::string& source);
std::vector<Finding> lint_py(const std::string& source);

// "request-leak at=init,free": the kind and the marker names of the distinct lines of its sides, sorted.
// A line without a marker is written as its number.
std::vector<std::string> reduce(const std::vector<Finding>& findings, const std::string& source);

// The line carrying `@name` in a comment (0 if none).
int marker_line(const std::string& source, const std::string& name);

const Function& function(const Unit& unit, const std::string& name);

}  // namespace rmacheck::lint::testing
