// rmacheck: command-line entry point (run, analyze, dump).
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
#include "report/report.h"

using namespace rmacheck;

namespace {

const char* kUsage =
    "usage: rmacheck run [-n N] [--timeout SEC] [--out DIR] [--format text|json|sarif]\n"
    "                    [--mpirun \"mpirun ...\"] [--keep-going] -- PROGRAM [ARGS...]\n"
    "       rmacheck analyze DIR [--format text|json|sarif] [--suppressions FILE]\n"
    "       rmacheck dump DIR\n";

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

bool valid_format(const std::string& f) { return f == "text" || f == "json" || f == "sarif"; }

// Loads the logs, runs every detector, prints the report; returns the exit status.
int analyze(const std::string& dir, const std::string& format) {
  Model model;
  std::string error;
  if (!load_model(dir, model, error)) {
    for (const LogError& e : model.errors) std::cerr << "rmacheck: " << e.str() << "\n";
    std::cerr << "rmacheck: " << error << "\n";
    return 2;
  }
  for (const LogError& e : model.errors) std::cerr << "rmacheck: " << e.str() << "\n";
  nlohmann::json report = build_report(model, run_detectors(model));
  if (format == "json")
    std::cout << render_json(report);
  else if (format == "sarif")
    std::cout << render_sarif(report);
  else
    std::cout << render_text(report);
  std::cout.flush();
  return report_exit_status(report);
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
  std::string format = "text";
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
    if (a == "-n" || a == "-np") {
      if (!(v = value("-n")) || (opts.ranks = std::atoi(v)) <= 0) return usage_error("-n needs a positive number");
    } else if (a == "--timeout") {
      if (!(v = value("--timeout")) || (opts.timeout_s = std::atof(v)) <= 0)
        return usage_error("--timeout needs seconds > 0");
    } else if (a == "--out") {
      if (!(v = value("--out"))) return usage_error("--out needs a directory");
      opts.log_dir = v;
    } else if (a == "--format") {
      if (!(v = value("--format")) || !valid_format(format = v)) return usage_error("--format is text, json or sarif");
    } else if (a == "--mpirun") {
      if (!(v = value("--mpirun"))) return usage_error("--mpirun needs a command");
      opts.mpirun = split_words(v);
    } else if (a == "--keep-going") {
      opts.keep_going = true;
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
  return analyze(opts.log_dir, format);
}

int cmd_analyze(int argc, char** argv) {
  std::string dir, format = "text";
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--format" && i + 1 < argc) {
      if (!valid_format(format = argv[++i])) return usage_error("--format is text, json or sarif");
    } else if (a == "--suppressions" && i + 1 < argc) {
      return usage_error("--suppressions is not implemented yet");
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("unknown option " + a);
    } else if (dir.empty()) {
      dir = a;
    } else {
      return usage_error("analyze takes one directory");
    }
  }
  if (dir.empty()) return usage_error("analyze needs a log directory");
  return analyze(dir, format);
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("missing command");
  std::string cmd = argv[1];
  if (cmd == "run") return cmd_run(argc, argv);
  if (cmd == "analyze") return cmd_analyze(argc, argv);
  if (cmd == "dump") return cmd_dump(argc, argv);
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  // Instrumented builds (cli/compile.cpp): every argument after the command is the compiler's.
  if (cmd == "mpicc" || cmd == "mpicxx" || cmd == "cc" || cmd == "cxx")
    return compile_command(cmd, std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "lint") return usage_error(cmd + " is not implemented yet");
  return usage_error("unknown command " + cmd);
}
