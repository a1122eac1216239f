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

#include "cli/command_line.h"
#include "cli/compile.h"
#include "cli/dump.h"
#include "cli/help.h"
#include "cli/launcher.h"
#include "cli/log_dir.h"
#include "cli/progress.h"
#include "detectors/detector.h"
#include "lint/lint.h"
#include "report/escape.h"
#include "report/report.h"
#include "report/suppressions.h"

using namespace rmacheck;

namespace {

int usage_error(const std::string& msg) {
  std::cerr << "rmacheck: " << msg << "\n" << usage_synopsis() << "  (`rmacheck help COMMAND` explains every option)\n";
  return 2;
}

int tool_error(const std::string& msg) {
  std::cerr << "rmacheck: " << msg << "\n";
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

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Where and how the report goes, and what it needs besides the logs (run and analyze).
struct ReportOutput {
  std::string format = "text";
  bool format_given = false;
  std::string output;  // -o FILE; "" = stdout
  bool quiet = false;
  Suppressions suppressions;  // --suppressions FILE
  bool have_suppressions = false;
  std::string source_root;         // --source-root DIR
  lint::LintOptions lint_sources;  // --lint SRC
  bool stats = false;              // --stats (analyze): cost of the analysis on stderr

  // The report is a document on stdout: nothing else may be printed there.
  bool document_on_stdout() const { return output.empty() && format != "text"; }
};

// The options both run and analyze take; "" when handled, else a usage error.
std::string report_option(ReportOutput& ro, const OptionSpec& spec, const std::string& value, bool& handled) {
  handled = true;
  const std::string name = spec.long_name;
  if (name == "--format") {
    if (value != "text" && value != "json" && value != "sarif" && value != "html")
      return "--format is text, json, sarif or html, not '" + value + "'";
    ro.format = value;
    ro.format_given = true;
  } else if (name == "--output") {
    if (value.empty()) return "-o/--output needs a file name";
    ro.output = value;
  } else if (name == "--quiet") {
    ro.quiet = true;
  } else if (name == "--suppressions") {
    std::string error;
    ro.have_suppressions = ro.suppressions.load(value, error);
    if (!ro.have_suppressions) return "!" + error;  // about the file, not the command line: no usage text
  } else if (name == "--source-root") {
    char abs[PATH_MAX];
    if (!realpath(value.c_str(), abs) || access(abs, X_OK) != 0) return "--source-root " + value + ": not a directory";
    ro.source_root = abs;
  } else if (name == "--lint") {
    // A source file, or a build directory with compile_commands.json.
    if (access((value + "/compile_commands.json").c_str(), R_OK) == 0)
      ro.lint_sources.build_dir = value;
    else
      ro.lint_sources.files.push_back(value);
  } else {
    handled = false;
  }
  return "";
}

void settle_format(ReportOutput& ro) {
  if (ro.format_given || ro.output.empty()) return;
  if (ends_with(ro.output, ".json")) ro.format = "json";
  if (ends_with(ro.output, ".sarif")) ro.format = "sarif";
  if (ends_with(ro.output, ".html")) ro.format = "html";
}

std::string render(const Model& model, const nlohmann::json& report, const std::string& format) {
  if (format == "json") return render_json(report);
  if (format == "sarif") return render_sarif(report);
  if (format == "html") return render_html(report, build_html_context(model, report));
  return render_text(report);
}

// With -o: one line per finding and the SUMMARY line, on stderr.
void print_summary(const nlohmann::json& report, const std::string& file) {
  for (const nlohmann::json& f : report["findings"])
    std::cerr << (f["severity"] == "error" ? "ERROR" : "WARNING") << ": rmacheck: " << f["kind"].get<std::string>()
              << ": " << printable(f["message"].get<std::string>()) << "\n";
  const nlohmann::json& s = report["summary"];
  std::cerr << "SUMMARY: rmacheck: " << s["errors"] << (s["errors"] == 1 ? " error, " : " errors, ") << s["warnings"]
            << (s["warnings"] == 1 ? " warning" : " warnings") << " (report in " << file << ")\n";
}

bool write_report(const Model& model, const nlohmann::json& report, const ReportOutput& ro) {
  const std::string text = render(model, report, ro.format);
  if (ro.output.empty()) {
    std::cout << text;
    std::cout.flush();
    return true;
  }
  std::ofstream out(ro.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "rmacheck: cannot write the report to " << ro.output << ": " << std::strerror(errno) << "\n";
    return false;
  }
  print_summary(report, ro.output);
  return true;
}

// What to do with the log directory once the report is built.
struct LogDirPolicy {
  bool from_run = false;     // rmacheck run wrote it: the report names it when it is kept
  bool private_dir = false;  // rmacheck made it (no --out)
  bool keep = false;         // --keep-logs
};

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// --stats: what reading and checking the logs cost, on stderr (CPU time: stable on a shared machine).
void print_stats(const Model& model, double t_start, double t_read, double t_end) {
  uint64_t events = 0, bytes = 0;
  for (const RankLog& l : model.logs) {
    events += l.events.size();
    struct stat st;
    if (stat(l.path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) > kHeaderSize)
      bytes += static_cast<uint64_t>(st.st_size) - kHeaderSize;
  }
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const double total = t_end - t_start, per_event = events ? static_cast<double>(bytes) / events : 0;
  char line[512];
  std::snprintf(line, sizeof line,
                "rmacheck: stats: %zu logs, %llu events, %llu log bytes (%.1f bytes/event on disk); read %.3f s, "
                "checked and reported %.3f s (CPU); %.0f events/s; peak RSS %.1f MiB (%.0f bytes/event)\n",
                model.logs.size(), static_cast<unsigned long long>(events), static_cast<unsigned long long>(bytes),
                per_event, t_read - t_start, t_end - t_read, total > 0 ? static_cast<double>(events) / total : 0.0,
                static_cast<double>(ru.ru_maxrss) / 1024.0,
                events ? static_cast<double>(ru.ru_maxrss) * 1024.0 / static_cast<double>(events) : 0.0);
  std::cerr << line;
}

// Loads the logs, runs every detector, writes the report; returns the exit status.
int analyze(const std::string& dir, const ReportOutput& ro, const LogDirPolicy& policy, const RunMeta* meta = nullptr) {
  const double t_start = cpu_seconds();
  Model model;
  std::string error;
  Progress progress(!ro.quiet);
  progress.phase("reading logs");
  if (!load_model(dir, model, error, meta)) {
    for (const LogError& e : model.errors) std::cerr << "rmacheck: " << printable(e.str()) << "\n";
    for (const std::string& l : model.left_out) std::cerr << "rmacheck: " << printable(l) << "\n";
    std::cerr << "rmacheck: " << printable(error) << "\n";
    return 2;
  }
  for (const LogError& e : model.errors) std::cerr << "rmacheck: " << printable(e.str()) << "\n";
  for (const std::string& l : model.left_out) std::cerr << "rmacheck: " << printable(l) << "\n";
  const double t_read = cpu_seconds();
  uint64_t events = 0;
  for (const RankLog& l : model.logs) events += l.events.size();
  progress.events(events);
  Analysis analysis =
      run_detectors(model, [&progress](const char* name) { progress.phase(std::string("checking: ") + name); });
  if (!ro.lint_sources.files.empty() || !ro.lint_sources.build_dir.empty()) {
    progress.phase("lint");
    Analysis statically;
    std::string lint_error;
    if (!lint::run_lint(ro.lint_sources, statically, lint_error)) {
      progress.stop();
      std::cerr << "rmacheck: lint: " << lint_error << "\n";
      return 2;
    }
    for (Finding& f : statically.findings) analysis.findings.push_back(std::move(f));
    analysis.lint = statically.lint;
  }
  progress.phase("building the report");
  ReportOptions options;
  options.source_root = ro.source_root;
  if (ro.have_suppressions) options.suppressions = &ro.suppressions;
  nlohmann::json report = build_report(model, analysis, options);
  report["run"]["left_out"] = model.left_out;
  const bool clean =
      report["findings"].empty() && model.errors.empty() && model.left_out.empty() && model.missing_ranks.empty();
  const bool keep = !policy.private_dir || policy.keep || !clean;
  if (keep && policy.from_run) report["run"]["log_dir"] = dir;
  progress.stop();  // the line is erased before the report is printed
  const bool written = write_report(model, report, ro);
  if (ro.stats) print_stats(model, t_start, t_read, cpu_seconds());
  if (!keep) remove_log_dir(dir);
  if (!written) return 2;
  // A rank without a log: its errors could not be looked for (the report's note says so).
  return std::max(report_exit_status(report), model.missing_ranks.empty() ? 0 : 1);
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
  ReportOutput ro;
  ParsedArgs p = parse_args(
      args, analyze_options(),
      [&](const OptionSpec& spec, const std::string& v) -> std::string {
        bool handled = false;
        std::string err = report_option(ro, spec, v, handled);
        if (handled) return err;
        if (spec.long_name == std::string("--stats")) return ro.stats = true, "";
        return std::string("unhandled option ") + spec.long_name;
      },
      /*stop_at_positional=*/false);
  if (p.help) return print_help("analyze", std::cout), 0;
  if (!p.error.empty()) return p.error[0] == '!' ? tool_error(p.error.substr(1)) : usage_error(p.error);
  std::vector<std::string> dirs = p.positional;
  dirs.insert(dirs.end(), p.rest.begin(), p.rest.end());
  if (dirs.empty()) return usage_error("analyze needs a log directory");
  if (dirs.size() > 1) return usage_error("analyze takes one directory");
  settle_format(ro);
  return analyze(dirs[0], ro, LogDirPolicy{});
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
