// rmacheck: command-line entry point (run, analyze, dump).
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "cli/compile.h"
#include "cli/dump.h"
#include "cli/launcher.h"
#include "detectors/detector.h"
#include "lint/lint.h"
#include "report/report.h"
#include "report/suppressions.h"

using namespace rmacheck;

namespace {

const char* kUsage =
    "usage: rmacheck run [-n N] [--timeout SEC] [--out DIR] [--format text|json|sarif|html]\n"
    "                    [--suppressions FILE] [--source-root DIR] [--stack-depth N]\n"
    "                    [--mpirun \"mpirun ...\"] [--keep-going] -- PROGRAM [ARGS...]\n"
    "       rmacheck analyze DIR [--format text|json|sarif|html] [--suppressions FILE] [--source-root DIR]\n"
    "       rmacheck dump DIR\n"
    "       rmacheck lint [--format text|json|sarif|html] [-o FILE] [-p BUILD_DIR] FILES... [-- COMPILER FLAGS]\n"
    "       (run and analyze also take --lint SRC: lint SRC too and merge its findings into the report)\n"
    "       rmacheck mpicc|mpicxx ARGS...   rmacheck cc|cxx COMPILER ARGS...   (instrumented builds)\n";

int usage_error(const std::string& msg) {
  std::cerr << "rmacheck: " << msg << "\n" << kUsage;
  return 2;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool valid_format(const std::string& f) { return f == "text" || f == "json" || f == "sarif" || f == "html"; }

// What the report needs besides the logs (run and analyze): --suppressions FILE, --source-root DIR.
struct ReportFlags {
  Suppressions suppressions;
  bool have_suppressions = false;
  std::string source_root;
};

// 1: argv[i] (and its value) was a report option, 0: it is not one, -1: `error` says what is wrong
// with the command line, -2: what is wrong with the suppressions file (no usage text for that).
int report_flag(int argc, char** argv, int& i, ReportFlags& flags, std::string& error) {
  const std::string a = argv[i];
  if (a != "--suppressions" && a != "--source-root") return 0;
  if (i + 1 >= argc) {
    error = a + (a == "--suppressions" ? " needs a file" : " needs a directory");
    return -1;
  }
  const std::string v = argv[++i];
  if (a == "--suppressions") {
    flags.have_suppressions = flags.suppressions.load(v, error);
    return flags.have_suppressions ? 1 : -2;
  }
  char abs[PATH_MAX];
  if (!realpath(v.c_str(), abs) || access(abs, X_OK) != 0) {
    error = "--source-root " + v + ": not a directory";
    return -1;
  }
  flags.source_root = abs;
  return 1;
}

// Loads the logs, runs every detector (and lint on `lint_sources`), prints the report; returns the exit status.
int analyze(const std::string& dir, const std::string& format, const ReportFlags& flags,
            const lint::LintOptions& lint_sources = {}) {
  Model model;
  std::string error;
  if (!load_model(dir, model, error)) {
    for (const LogError& e : model.errors) std::cerr << "rmacheck: " << e.str() << "\n";
    std::cerr << "rmacheck: " << error << "\n";
    return 2;
  }
  for (const LogError& e : model.errors) std::cerr << "rmacheck: " << e.str() << "\n";
  Analysis analysis = run_detectors(model);
  if (!lint_sources.files.empty() || !lint_sources.build_dir.empty()) {
    Analysis statically;
    std::string lint_error;
    if (!lint::run_lint(lint_sources, statically, lint_error)) {
      std::cerr << "rmacheck: lint: " << lint_error << "\n";
      return 2;
    }
    for (Finding& f : statically.findings) analysis.findings.push_back(std::move(f));
    analysis.lint = statically.lint;
  }
  ReportOptions options;
  options.source_root = flags.source_root;
  if (flags.have_suppressions) options.suppressions = &flags.suppressions;
  nlohmann::json report = build_report(model, analysis, options);
  if (format == "json")
    std::cout << render_json(report);
  else if (format == "html")
    std::cout << render_html(report, build_html_context(model, report));
  else if (format == "sarif")
    std::cout << render_sarif(report);
  else
    std::cout << render_text(report);
  std::cout.flush();
  return report_exit_status(report);
}

// --lint SRC (run, analyze): a source file, or a build directory with compile_commands.json.
void add_lint_source(lint::LintOptions& lint, const std::string& src) {
  if (access((src + "/compile_commands.json").c_str(), R_OK) == 0)
    lint.build_dir = src;
  else
    lint.files.push_back(src);
}

std::string fresh_log_dir() {
  char stamp[64];
  time_t now = time(nullptr);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
  std::string base = std::string("rmacheck-") + stamp, dir = base;
  for (int k = 1; access(dir.c_str(), F_OK) == 0; ++k) dir = base + "-" + std::to_string(k);
  return dir;
}

int cmd_run(int argc, char** argv) {
  LaunchOptions opts;
  lint::LintOptions lint_sources;
  std::string format = "text";
  ReportFlags report_flags;
  std::string flag_error;
  int i = 2;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (a == "--") {
      ++i;
      break;
    }
    const char* v = nullptr;
    if (const int r = report_flag(argc, argv, i, report_flags, flag_error)) {
      if (r == -2) std::cerr << "rmacheck: " << flag_error << "\n";
      if (r < 0) return r == -2 ? 2 : usage_error(flag_error);
    } else if (a == "--stack-depth") {
      // Callers of the MPI call's frame, for calls made in the user's helper functions.
      char* end = nullptr;
      const long depth = (v = value("--stack-depth")) ? std::strtol(v, &end, 10) : -1;
      if (!v || *end || depth < 1 || depth > 64) return usage_error("--stack-depth needs a number of frames, 1 to 64");
      opts.env.push_back("RMACHECK_STACK_DEPTH=" + std::to_string(depth));
    } else if (a == "-n" || a == "-np") {
      if (!(v = value("-n")) || (opts.ranks = std::atoi(v)) <= 0) return usage_error("-n needs a positive number");
    } else if (a == "--timeout") {
      if (!(v = value("--timeout")) || (opts.timeout_s = std::atof(v)) <= 0)
        return usage_error("--timeout needs seconds > 0");
    } else if (a == "--out") {
      if (!(v = value("--out"))) return usage_error("--out needs a directory");
      opts.log_dir = v;
    } else if (a == "--format") {
      if (!(v = value("--format")) || !valid_format(format = v))
        return usage_error("--format is text, json, sarif or html");
    } else if (a == "--mpirun") {
      if (!(v = value("--mpirun"))) return usage_error("--mpirun needs a command");
      opts.mpirun = split_words(v);
    } else if (a == "--keep-going") {
      opts.keep_going = true;
    } else if (a == "--lint") {
      if (!(v = value("--lint"))) return usage_error("--lint needs a source file or a build directory");
      add_lint_source(lint_sources, v);
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("unknown option " + a);
    } else {
      break;  // PROGRAM without "--"
    }
  }
  for (; i < argc; ++i) opts.program.push_back(argv[i]);
  if (opts.program.empty()) return usage_error("run needs a program after --");
  std::string lib = find_interposer_library();
  if (lib.empty()) {
    std::cerr << "rmacheck: cannot find librmacheck.so next to this executable (expected ../lib/librmacheck.so)\n";
    return 2;
  }
  if (opts.log_dir.empty()) opts.log_dir = fresh_log_dir();
  LaunchResult r = launch(opts, lib);
  if (!r.started) {
    std::cerr << "rmacheck: " << r.error << "\n";
    return 2;
  }
  if (access(opts.log_dir.c_str(), F_OK) != 0) {
    std::cerr << "rmacheck: no rank wrote a log (the program exited with status " << r.exit_status
              << "): it never reached MPI_Init through the C MPI interface (Open MPI's Fortran bindings bypass it), "
                 "or the launcher did not pass LD_PRELOAD to the ranks\n";
    return 2;
  }
  write_run_meta(opts, r);
  if (r.timed_out)
    std::cerr << "rmacheck: the job was stopped after " << opts.timeout_s
              << " s (--timeout); analyzing what was logged\n";
  std::cerr << "rmacheck: logs in " << opts.log_dir << "\n";
  return analyze(opts.log_dir, format, report_flags, lint_sources);
}

int cmd_analyze(int argc, char** argv) {
  std::string dir, format = "text";
  ReportFlags report_flags;
  std::string flag_error;
  lint::LintOptions lint_sources;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--format" && i + 1 < argc) {
      if (!valid_format(format = argv[++i])) return usage_error("--format is text, json, sarif or html");
    } else if (const int r = report_flag(argc, argv, i, report_flags, flag_error)) {
      if (r == -2) std::cerr << "rmacheck: " << flag_error << "\n";
      if (r < 0) return r == -2 ? 2 : usage_error(flag_error);
    } else if (a == "--lint" && i + 1 < argc) {
      add_lint_source(lint_sources, argv[++i]);
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("unknown option " + a);
    } else if (dir.empty()) {
      dir = a;
    } else {
      return usage_error("analyze takes one directory");
    }
  }
  if (dir.empty()) return usage_error("analyze needs a log directory");
  return analyze(dir, format, report_flags, lint_sources);
}

int cmd_dump(int argc, char** argv) {
  if (argc != 3) return usage_error("dump takes one directory");
  Model model;
  std::string error;
  bool ok = load_model(argv[2], model, error);
  for (const LogError& e : model.errors) std::cerr << "rmacheck: " << e.str() << "\n";
  if (!ok) {
    std::cerr << "rmacheck: " << error << "\n";
    return 2;
  }
  dump_events(model, std::cout);
  return 0;
}

const char* kLintUsage =
    "usage: rmacheck lint [--format text|json|sarif] [-o FILE] FILES... [-- COMPILER FLAGS]\n"
    "       rmacheck lint [--format ...] [-o FILE] -p BUILD_DIR [FILES...]   (compile_commands.json)\n"
    "  Checks C/C++ sources (libclang, with the MPI headers) and mpi4py scripts (*.py) without running them.\n";

int cmd_lint(int argc, char** argv) {
  lint::LintOptions opts;
  std::string format = "text", out_file;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      opts.compiler_flags.assign(argv + i + 1, argv + argc);
      break;
    } else if (a == "--format" && i + 1 < argc) {
      if (!valid_format(format = argv[++i])) return usage_error("--format is text, json, sarif or html");
    } else if (a == "-o" && i + 1 < argc) {
      out_file = argv[++i];
    } else if (a == "-p" && i + 1 < argc) {
      opts.build_dir = argv[++i];
    } else if (a == "--dump-ir") {
      opts.dump_ir = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kLintUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("unknown lint option " + a);
    } else {
      opts.files.push_back(a);
    }
  }
  if (opts.files.empty() && opts.build_dir.empty()) return usage_error("lint needs source files or -p BUILD_DIR");
  Analysis analysis;
  std::string error;
  if (!lint::run_lint(opts, analysis, error)) {
    std::cerr << "rmacheck: lint: " << error << "\n";
    return 2;
  }
  if (opts.dump_ir) {
    std::cout << analysis.lint["ir"].dump(1) << "\n";
    return 0;
  }
  nlohmann::json report = build_report(Model{}, analysis);
  std::string text = format == "json"    ? render_json(report)
                     : format == "sarif" ? render_sarif(report)
                     : format == "html"  ? render_html(report, build_html_context(Model{}, report))
                                         : render_text(report);
  if (out_file.empty()) {
    std::cout << text;
  } else if (FILE* f = fopen(out_file.c_str(), "w");
             !f || fwrite(text.data(), 1, text.size(), f) != text.size() || fclose(f) != 0) {
    std::cerr << "rmacheck: cannot write " << out_file << "\n";
    return 2;
  }
  const nlohmann::json unparsed = analysis.lint.value("unparsed", nlohmann::json::array());
  for (const nlohmann::json& e : unparsed) std::cerr << "rmacheck: lint: " << e.get<std::string>() << "\n";
  return unparsed.empty() ? report_exit_status(report) : 2;  // a file that was not checked: the tool failed
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("missing command");
  std::string cmd = argv[1];
  if (cmd == "run") return cmd_run(argc, argv);
  if (cmd == "analyze") return cmd_analyze(argc, argv);
  if (cmd == "dump") return cmd_dump(argc, argv);
  if (cmd == "lint") return cmd_lint(argc, argv);
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  // Instrumented builds (cli/compile.cpp): every argument after the command is the compiler's.
  if (cmd == "mpicc" || cmd == "mpicxx" || cmd == "cc" || cmd == "cxx")
    return compile_command(cmd, std::vector<std::string>(argv + 2, argv + argc));
  return usage_error("unknown command " + cmd);
}
