#include "lint_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "lint/clang_frontend.h"
#include "lint/lint.h"
#include "lint/python_frontend.h"

namespace rmacheck::lint::testing {

namespace {

std::map<int, std::string> markers(const std::string& source) {
  static const std::regex marker(R"((?://|#).*?@([A-Za-z_]\w*))");
  std::map<int, std::string> out;
  std::istringstream in(source);
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    std::smatch m;
    if (std::regex_search(text, m, marker)) out[line] = m[1];
  }
  return out;
}

}  // namespace

Unit parse_c(const std::string& source, const std::string& name) {
  static ClangFrontend clang;
  bool cxx = name.size() > 4 && name.substr(name.size() - 4) == ".cpp";
  std::vector<std::string> args = mpi_compile_flags(cxx);
  if (cxx) args.push_back("-std=c++17");
  Unit unit;
  std::string error;
  std::vector<std::string> diagnostics;
  std::string path = "/tmp/rmacheck-lint-unit/" + name;  // never read from disk: the contents are given
  EXPECT_TRUE(clang.parse(path, args, unit, error, diagnostics, &source)) << error;
  for (const std::string& d : diagnostics) ADD_FAILURE() << "parse error: " << d;
  unit.language = cxx ? "c++" : "c";
  return unit;
}

Unit parse_py(const std::string& source) {
  char path[] = "/tmp/rmacheck-lint-unit-XXXXXX.py";
  int fd = mkstemps(path, 3);
  EXPECT_GE(fd, 0);
  if (fd < 0) return {};
  EXPECT_EQ(write(fd, source.data(), source.size()), static_cast<ssize_t>(source.size()));
  close(fd);
  std::vector<Unit> units;
  std::vector<std::string> errors;
  std::string error;
  EXPECT_TRUE(parse_python({path}, units, errors, error)) << error;
  unlink(path);
  for (const std::string& e : errors) ADD_FAILURE() << "python: " << e;
  EXPECT_EQ(units.size(), 1u);
  return units.empty() ? Unit{} : units[0];
}

std::vector<Finding> lint(const Unit& unit) {
  std::vector<Finding> out;
  check_unit(unit, out);
  return out;
}

std::vector<Finding> lint_c(const std::string& source) { return lint(parse_c(source)); }
std::vector<Finding> lint_py(const std::string& source) { return lint(parse_py(source)); }

std::vector<std::string> reduce(const std::vector<Finding>& findings, const std::string& source) {
  std::map<int, std::string> names = markers(source);
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    std::vector<int> lines;
    for (const Access& a : f.accesses)
      if (a.site) lines.push_back(a.site->line);
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    std::vector<std::string> words;
    for (int l : lines) words.push_back(names.count(l) ? names[l] : std::to_string(l));
    std::sort(words.begin(), words.end());
    std::string s = kind_info(f.kind).name;
    for (size_t i = 0; i < words.size(); ++i) s += (i ? "," : " at=") + words[i];
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int marker_line(const std::string& source, const std::string& name) {
  for (const auto& [line, n] : markers(source))
    if (n == name) return line;
  return 0;
}

const Function& function(const Unit& unit, const std::string& name) {
  for (const Function& f : unit.functions)
    if (f.name == name) return f;
  ADD_FAILURE() << "no function " << name;
  static const Function none;
  return none;
}

}  // namespace rmacheck::lint::testing
