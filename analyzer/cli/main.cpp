// rmacheck: command-line entry point (run, analyze, dump, lint, help, instrumented builds).
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/analyze_command.h"
#include "cli/command_line.h"
#include "cli/compile.h"
#include "cli/dump.h"
#include "cli/help.h"
#include "cli/launcher.h"
#include "cli/log_dir.h"
#include "cli/mpi_analyze_launch.h"
#include "cli/progress.h"
#include "detectors/detector.h"
#include "lint/lint.h"
#include "report/escape.h"
#include "report/report.h"
#include "report/suppressions.h"

using namespace rmacheck;

namespace {

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

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---- run

// A one-line reason when PROGRAM cannot be started, or "".
std::string check_program(const std::string& prog) {
  auto check_file = [](const std::string& path) -> std::string {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return path + ": " + std::strerror(errno);
    if (S_ISDIR(st.st_mode)) return path + ": is a directory, not a program";
    if (!S_ISREG(st.st_mode)) return path + ": is not a regular file";
    if (access(path.c_str(), X_OK) != 0)
      return path + ": is not executable (chmod +x it, or run it through its interpreter)";
    return "";
  };
  if (prog.find('/') != std::string::npos) return check_file(prog);
  const char* path = getenv("PATH");
  std::string p = path ? path : "";
  for (size_t start = 0; start <= p.size();) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + prog;
    if (access(candidate.c_str(), X_OK) == 0 && check_file(candidate).empty()) return "";
    start = end + 1;
  }
  // mpirun also looks in the working directory.
  if (access(prog.c_str(), F_OK) == 0) return check_file(prog);
  return prog + ": command not found (not on PATH nor in the working directory)";
}

bool is_python(const std::vector<std::string>& program) {
  std::string base = program[0].substr(program[0].find_last_of('/') + 1);
  return base.rfind("python", 0) == 0;
}

// The MPI of the run: --mpi, else what the program links, else Open MPI. `why` says how it was decided.
MpiFamily choose_mpi(const std::vector<std::string>& program, MpiFamily forced, std::string& why) {
  if (forced != MpiFamily::kUnknown) {
    why = "--mpi";
    return forced;
  }
  const MpiDetection d = detect_program_mpi(program);
  why = d.evidence.empty() ? "no MPI library among its dependencies: Open MPI assumed" : d.evidence;
  return d.family == MpiFamily::kUnknown ? MpiFamily::kOpenMpi : d.family;
}

// Why no rank wrote a log, in one line.
std::string no_log_reason(const LaunchOptions& opts, const LaunchResult& r) {
  const LauncherMessages& m = r.messages;
  const std::string prog = opts.program[0];
  if (r.interrupted_by)
    return "the run was interrupted by " + signal_name(r.interrupted_by) + " before any rank reached MPI_Init";
  if (r.timed_out) return "the job was stopped by --timeout before any rank reached MPI_Init";
  if (!m.missing_module.empty() && is_python(opts.program)) {
    std::string hint = "";
    if (prog != "/usr/bin/python3" && access("/usr/bin/python3", X_OK) == 0)
      hint = " (does /usr/bin/python3 have it? `/usr/bin/python3 -c 'import mpi4py'`)";
    return prog + " cannot import mpi4py (\"" + m.missing_module +
           "\"): run the script with an interpreter that has mpi4py" + hint;
  }
  if (m.not_executable) return "mpirun could not start " + prog + ": " + m.refusal();
  const std::string refusal = m.refusal();
  if (!refusal.empty()) return "mpirun refused to start the job: " + refusal;
  if (r.exit_status == 0)
    return "no rank called MPI_Init: " + prog +
           " ran and exited with status 0 without initializing MPI through an interface rmacheck intercepts (is it "
           "an MPI program? On MPICH, Fortran `use mpi_f08` calls go to PMPI_* directly)";
  return "no rank reached MPI_Init: the program (or mpirun) exited with status " + std::to_string(r.exit_status) +
         " first; its output is above";
}

bool has_rank_logs(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  bool found = false;
  while (dirent* ent = readdir(d)) {
    std::string n = ent->d_name;
    if (n.rfind("rank-", 0) == 0 && ends_with(n, ".log")) found = true;
  }
  closedir(d);
  return found;
}

int cmd_run(const std::vector<std::string>& args) {
  LaunchOptions opts;
  MpiFamily forced_mpi = MpiFamily::kUnknown;
  ReportOutput ro;
  LogDirPolicy policy;
  policy.from_run = true;
  ParsedArgs p = parse_args(
      args, run_options(),
      [&](const OptionSpec& spec, const std::string& v) -> std::string {
        bool handled = false;
        std::string err = report_option(ro, spec, v, handled);
        if (handled) return err;
        const std::string name = spec.long_name;
        if (name == "-n") {
          long n = 0;
          err = parse_count(v, "-n", 1, 1 << 20, n);
          opts.ranks = static_cast<int>(n);
          return err;
        }
        if (name == "--timeout") return parse_seconds(v, "--timeout", 1e7, opts.timeout_s);
        if (name == "--out") return v.empty() ? "--out needs a directory" : (opts.log_dir = v, "");
        if (name == "--keep-logs") return policy.keep = true, "";
        if (name == "--mpi") {
          if (!parse_mpi_family(v, forced_mpi)) return "--mpi takes openmpi or mpich, not '" + v + "'";
          return "";
        }
        if (name == "--mpirun") {
          opts.mpirun = split_words(v);
          return opts.mpirun.empty() ? "--mpirun needs a command" : "";
        }
        if (name == "--keep-going") return opts.keep_going = true, "";
        if (name == "--guard-memory") return opts.guard_memory = true, "";
        if (name == "--stack-depth") {
          // Callers of the MPI call's frame, for calls made in the user's helper functions.
          long depth = 0;
          err = parse_count(v, "--stack-depth", 1, 64, depth);
          if (err.empty()) opts.env.push_back("RMACHECK_STACK_DEPTH=" + std::to_string(depth));
          return err;
        }
        return "unhandled option " + name;
      },
      /*stop_at_positional=*/true);
  if (p.help) return print_help("run", std::cout), 0;
  if (!p.error.empty()) return p.error[0] == '!' ? tool_error(p.error.substr(1)) : usage_error(p.error);
  opts.program = p.rest;
  if (opts.program.empty()) return usage_error("run needs a program after --");
  settle_format(ro);
  if (std::string why = check_program(opts.program[0]); !why.empty()) return tool_error(why);
  std::string why_mpi;
  opts.mpi = choose_mpi(opts.program, forced_mpi, why_mpi);
  if (opts.guard_memory && opts.mpi == MpiFamily::kMpich)
    return usage_error("--guard-memory works with Open MPI only (it configures how Open MPI copies between ranks)");
  const std::string lib_name = interposer_file_name(opts.mpi);
  std::string lib = find_interposer_library(opts.mpi);
  if (lib.empty())
    return tool_error("cannot find " + lib_name + " next to this executable (expected ../lib/" + lib_name + ")" +
                      (opts.mpi == MpiFamily::kMpich
                           ? ": the program runs on MPICH (" + why_mpi +
                                 "), and this rmacheck was built without MPICH (libmpich-dev, mpicc.mpich)"
                           : ""));

  std::string error;
  if (opts.log_dir.empty()) {
    policy.private_dir = true;
    if (!make_private_log_dir(opts.log_dir, error)) return tool_error(error);
  } else if (!prepare_out_dir(opts.log_dir, error)) {
    return tool_error(error);
  }
  opts.run_id = new_run_id();
  opts.stdout_to_stderr = ro.document_on_stdout();
  if (opts.stdout_to_stderr && !ro.quiet)
    std::cerr << "rmacheck: the report goes to stdout; the program's and mpirun's output go to stderr\n";

  LaunchResult r = launch(opts, lib);
  if (!r.started) {
    if (policy.private_dir) remove_log_dir(opts.log_dir);
    return tool_error(r.error);
  }
  if (!has_rank_logs(opts.log_dir)) {
    if (policy.private_dir) remove_log_dir(opts.log_dir);
    std::cerr << "rmacheck: " << no_log_reason(opts, r) << "\n";
    return r.interrupted_by ? 1 : 2;
  }
  // The report is made from what this process knows; run.json is for a later `analyze DIR`.
  const RunMeta meta = run_meta_of(opts, r);
  if (!write_run_meta(opts.log_dir, meta, error)) std::cerr << "rmacheck: " << error << "\n";
  if (!ro.quiet) {
    if (r.timed_out)
      std::cerr << "rmacheck: the job was stopped after " << opts.timeout_s
                << " s (--timeout); analyzing what was logged\n";
    if (r.interrupted_by)
      std::cerr << "rmacheck: interrupted by " << signal_name(r.interrupted_by)
                << ": the job was stopped; analyzing what was logged\n";
    if (!policy.private_dir) std::cerr << "rmacheck: logs in " << opts.log_dir << "\n";
  }
  int status = analyze(opts.log_dir, ro, policy, &meta);
  if (policy.private_dir && access(opts.log_dir.c_str(), F_OK) == 0 && !ro.quiet)
    std::cerr << "rmacheck: logs kept in " << opts.log_dir << " (rmacheck analyze " << opts.log_dir << ")\n";
  return status;
}

// ---- analyze, dump

int cmd_analyze(const std::vector<std::string>& args) {
  AnalyzeArgs a;
  if (int status = parse_analyze_args(args, a); status >= 0) return status;
  // Started by mpirun (mpirun -n K rmacheck analyze DIR): the MPI build of analyze takes over.
  if (started_by_mpirun()) return exec_mpi_analyze(args);
  if (a.jobs > 1) return launch_mpi_analyze(a.jobs, a.other);
  return analyze(a.dir, a.ro, LogDirPolicy{});
}

int cmd_dump(const std::vector<std::string>& args) {
  ParsedArgs p = parse_args(
      args, dump_options(), [](const OptionSpec&, const std::string&) { return std::string(); },
      /*stop_at_positional=*/false);
  if (p.help) return print_help("dump", std::cout), 0;
  if (!p.error.empty()) return usage_error(p.error);
  if (p.positional.size() != 1 || !p.rest.empty()) return usage_error("dump takes one directory");
  Model model;
  std::string error;
  bool ok = load_model(p.positional[0], model, error);
  for (const LogError& e : model.errors) std::cerr << "rmacheck: " << printable(e.str()) << "\n";
  for (const std::string& l : model.left_out) std::cerr << "rmacheck: " << printable(l) << "\n";
  if (!ok) return tool_error(printable(error));
  dump_events(model, std::cout);
  return 0;
}

const char* kLintUsage =
    "usage: rmacheck lint [--format text|json|sarif|html] [-o FILE] FILES... [-- COMPILER FLAGS]\n"
    "       rmacheck lint [--format ...] [-o FILE] -p BUILD_DIR [FILES...]   (compile_commands.json)\n"
    "  Checks C/C++ sources (libclang, with the MPI headers) and mpi4py scripts (*.py) without running them.\n";

bool valid_format(const std::string& f) { return f == "text" || f == "json" || f == "sarif" || f == "html"; }

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
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "run") return cmd_run(args);
  if (cmd == "analyze") return cmd_analyze(args);
  if (cmd == "dump") return cmd_dump(args);
  if (cmd == "lint") return cmd_lint(argc, argv);
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    if (cmd == "help" && args.size() > 1) return usage_error("help takes one topic");
    const std::string topic = cmd == "help" && !args.empty() ? args[0] : "";
    if (topic == "lint") return std::cout << kLintUsage, 0;
    if (!print_help(topic, std::cout))
      return usage_error("no help on '" + topic + "' (run, analyze, dump, lint, flags)");
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << version_string() << "\n";
    return 0;
  }
  // Instrumented builds (cli/compile.cpp): every argument after the command is the compiler's.
  if (cmd == "mpicc" || cmd == "mpicxx" || cmd == "cc" || cmd == "cxx")
    return compile_command(cmd, std::vector<std::string>(argv + 2, argv + argc));
  return usage_error("unknown command " + cmd);
}
