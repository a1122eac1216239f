#include "lint/python_frontend.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "lint/lint_ir_json.h"

namespace rmacheck::lint {

namespace {

std::string exe_dir() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "";
  std::string dir(exe, static_cast<size_t>(n));
  return dir.substr(0, dir.find_last_of('/'));
}

// mpi4py is installed for Debian's interpreter, which need not be the first python3 on PATH.
std::string python() {
  if (const char* p = getenv("RMACHECK_LINT_PYTHON"); p && *p) return p;
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string find_python_helper() {
  std::string dir = exe_dir();  // .../bin
  std::string prefix = dir.substr(0, dir.find_last_of('/'));
  for (const std::string& c : {prefix + "/share/rmacheck/mpi4py_lint.py", dir + "/mpi4py_lint.py"})
    if (access(c.c_str(), R_OK) == 0) return c;
  return "";
}

bool parse_python(const std::vector<std::string>& files, std::vector<Unit>& out, std::vector<std::string>& errors,
                  std::string& error) {
  std::string helper = find_python_helper();
  if (helper.empty()) {
    error = "cannot find mpi4py_lint.py next to this executable (expected ../share/rmacheck/mpi4py_lint.py)";
    return false;
  }
  std::string cmd = shell_quote(python()) + " " + shell_quote(helper);
  for (const std::string& f : files) cmd += " " + shell_quote(f);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    error = "cannot start " + python() + ": " + strerror(errno);
    return false;
  }
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int status = pclose(p);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = "the mpi4py lint helper (" + helper + ") failed with status " +
            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return false;
  }
  try {
    nlohmann::json doc = nlohmann::json::parse(text);
    for (const nlohmann::json& e : doc.value("errors", nlohmann::json::array())) errors.push_back(e.get<std::string>());
    for (const nlohmann::json& u : doc.at("units")) out.push_back(unit_from_json(u));
  } catch (const nlohmann::json::exception& e) {
    error = std::string("the mpi4py lint helper printed malformed IR: ") + e.what();
    return false;
  }
  return true;
}

}  // namespace rmacheck::lint
