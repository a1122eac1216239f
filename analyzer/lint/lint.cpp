#include "lint/lint.h"

#include <clang-c/CXCompilationDatabase.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "lint/check.h"
#include "lint/clang_frontend.h"
#include "lint/clang_string.h"
#include "lint/lint_ir_json.h"
#include "lint/python_frontend.h"

namespace rmacheck::lint {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_python(const std::string& f) { return ends_with(f, ".py"); }
bool is_cxx(const std::string& f) {
  for (const char* e : {".cpp", ".cc", ".cxx", ".C", ".hpp", ".hh", ".hxx"})
    if (ends_with(f, e)) return true;
  return false;
}

std::string absolute(const std::string& f) {
  char buf[PATH_MAX];
  return realpath(f.c_str(), buf) ? std::string(buf) : f;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string> run_showme(const char* wrapper) {
  std::string cmd = std::string(wrapper) + " --showme:compile 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {};
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  if (pclose(p) != 0) return {};
  return split_words(text);
}

struct Job {
  std::string file;  // absolute
  std::vector<std::string> args;
};

// The compile commands of a CMake build (CMAKE_EXPORT_COMPILE_COMMANDS=ON),
// less the compiler, -c, -o and the source itself.
bool read_compile_db(const std::string& dir, const std::vector<std::string>& only, std::vector<Job>& jobs,
                     std::string& error) {
  // Checked first: libclang would print its own two-line complaint about a missing database.
  const std::string db_file = dir + "/compile_commands.json";
  CXCompilationDatabase_Error err = CXCompilationDatabase_CanNotLoadDatabase;
  if (access(db_file.c_str(), R_OK) == 0) {  // and so would it about malformed JSON
    std::ifstream in(db_file);
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_array()) {
      error = db_file + " is not a compilation database (a JSON array of compile commands)";
      return false;
    }
  }
  CXCompilationDatabase db =
      access(db_file.c_str(), R_OK) == 0 ? clang_CompilationDatabase_fromDirectory(dir.c_str(), &err) : nullptr;
  if (err != CXCompilationDatabase_NoError || !db) {
    error = "cannot read " + db_file + " (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)";
    return false;
  }
  std::vector<std::string> wanted;
  for (const std::string& f : only) wanted.push_back(absolute(f));
  CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(db);
  for (unsigned i = 0, n = clang_CompileCommands_getSize(cmds); i < n; ++i) {
    CXCompileCommand c = clang_CompileCommands_getCommand(cmds, i);
    std::string wd = take(clang_CompileCommand_getDirectory(c));
    std::string file = take(clang_CompileCommand_getFilename(c));
    if (!file.empty() && file[0] != '/') file = wd + "/" + file;
    file = absolute(file);
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), file) == wanted.end()) continue;
    Job job;
    job.file = file;
    job.args.push_back("-working-directory=" + wd);
    unsigned nargs = clang_CompileCommand_getNumArgs(c);
    for (unsigned a = 1; a < nargs; ++a) {
      std::string arg = take(clang_CompileCommand_getArg(c, a));
      if (arg.empty() || arg == "-c" || arg == "-MD" || arg == "-MMD") continue;
      // Outputs: the object, and the dependency file a Ninja build asks for (parsing must not write it).
      if (arg == "-o" || arg == "-MF" || arg == "-MT" || arg == "-MQ") {
        ++a;
        continue;
      }
      if (arg.rfind("-o", 0) == 0 || arg.rfind("-MF", 0) == 0) continue;
      // The build's compiler may warn where clang does not, and the other way round: no warning may
      // become an error that stops the file from being checked.
      if (arg.rfind("-Werror", 0) == 0) continue;
      if (absolute(arg.front() == '/' ? arg : wd + "/" + arg) == file) continue;
      job.args.push_back(arg);
    }
    jobs.push_back(std::move(job));
  }
  clang_CompileCommands_dispose(cmds);
  clang_CompilationDatabase_dispose(db);
  if (jobs.empty()) {
    error = only.empty() ? dir + "/compile_commands.json lists no sources"
                         : "none of the given files is in " + dir + "/compile_commands.json";
    return false;
  }
  return true;
}

}  // namespace

void check_unit(const Unit& unit, std::vector<Finding>& out) {
  RankTaint taint = compute_rank_taint(unit);
  for (const Function& fn : unit.functions) {
    Reporter rep(unit, fn, out);
    CheckContext ctx{unit, fn, taint, rep};
    for (Check c : all_checks()) c(ctx);
  }
}

const std::vector<std::string>& mpi_compile_flags(bool cxx) {
  static const std::vector<std::string> c = [] {
    auto f = run_showme("mpicc.openmpi");
    return f.empty() ? run_showme("mpicc") : f;
  }();
  static const std::vector<std::string> cc = [] {
    auto f = run_showme("mpicxx.openmpi");
    if (f.empty()) f = run_showme("mpicxx");
    // The deprecated MPI C++ bindings are large and not what lint checks.
    f.push_back("-DOMPI_SKIP_MPICXX=1");
    f.push_back("-DMPICH_SKIP_MPICXX=1");
    return f;
  }();
  return cxx ? cc : c;
}

bool run_lint(const LintOptions& opts, Analysis& out, std::string& error) {
  std::vector<Job> jobs;
  std::vector<std::string> scripts;
  if (!opts.build_dir.empty()) {
    std::vector<std::string> c_files;
    for (const std::string& f : opts.files) (is_python(f) ? scripts : c_files).push_back(f);
    if (!read_compile_db(opts.build_dir, c_files, jobs, error)) return false;
  } else {
    for (const std::string& f : opts.files) {
      if (access(f.c_str(), R_OK) != 0) {
        error = "cannot read " + f;
        return false;
      }
      if (is_python(f)) {
        scripts.push_back(absolute(f));
        continue;
      }
      jobs.push_back({absolute(f), opts.compiler_flags});
    }
  }
  nlohmann::json files = nlohmann::json::array(), errors = nlohmann::json::array(), dumps = nlohmann::json::array();
  nlohmann::json unparsed = nlohmann::json::array();  // one line per file that could not be checked
  size_t functions = 0;
  std::vector<Unit> units;
  if (!jobs.empty()) {
    ClangFrontend clang;
    for (Job& job : jobs) {
      std::vector<std::string> args = mpi_compile_flags(is_cxx(job.file));
      args.insert(args.end(), job.args.begin(), job.args.end());
      args.push_back("-Wno-unknown-warning-option");  // the build's -W flags may be gcc's
      if (!opts.build_dir.empty()) args.insert(args.end(), opts.compiler_flags.begin(), opts.compiler_flags.end());
      Unit unit;
      std::string err;
      std::vector<std::string> diags;
      if (!clang.parse(job.file, args, unit, err, diags)) {
        errors.push_back(err);
        unparsed.push_back(err);
        continue;
      }
      unit.language = is_cxx(job.file) ? "c++" : "c";
      for (const std::string& d : diags) errors.push_back(d);
      if (!diags.empty()) {  // what libclang made of the rest is not worth checking: the file is not checked
        std::string more = diags.size() > 1 ? " (and " + std::to_string(diags.size() - 1) + " more errors)" : "";
        unparsed.push_back(job.file + " does not compile: " + diags.front() + more);
        continue;
      }
      units.push_back(std::move(unit));
    }
  }
  if (!scripts.empty()) {
    std::vector<std::string> errs;
    if (!parse_python(scripts, units, errs, error)) return false;
    for (const std::string& e : errs) {
      errors.push_back(e);
      unparsed.push_back(e);
    }
  }
  for (const Unit& unit : units) {
    files.push_back(unit.file);
    functions += unit.functions.size();
    if (opts.dump_ir) {
      dumps.push_back(unit_to_json(unit));
      continue;
    }
    check_unit(unit, out.findings);
  }
  out.lint = {{"files", files}, {"functions", functions}, {"errors", errors}, {"unparsed", unparsed}};
  if (opts.dump_ir) out.lint["ir"] = dumps;
  return true;
}

}  // namespace rmacheck::lint
