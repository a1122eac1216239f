#include "cli/analyze_command.h"

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

#include "cli/help.h"
#include "cli/log_dir.h"
#include "cli/progress.h"
#include "report/escape.h"
#include "report/report.h"

namespace rmacheck {

int usage_error(const std::string& msg) {
  std::cerr << "rmacheck: " << msg << "\n" << usage_synopsis() << "  (`rmacheck help COMMAND` explains every option)\n";
  return 2;
}

int tool_error(const std::string& msg) {
  std::cerr << "rmacheck: " << msg << "\n";
  return 2;
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
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

}  // namespace

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

const DetectorRunner& serial_detectors() {
  static const DetectorRunner runner{[](const Model& model, const std::function<void(const char*)>& on_detector) {
                                       return run_detectors(model, on_detector);
                                     },
                                     true};
  return runner;
}

int analyze(const std::string& dir, const ReportOutput& ro, const LogDirPolicy& policy, const RunMeta* meta,
            const DetectorRunner& runner) {
  const double t_start = cpu_seconds();
  Model model;
  std::string error;
  Progress progress(!ro.quiet);
  progress.phase("reading logs");
  // Every process of a parallel analysis reads the same directory to the same end: one of them tells.
  const bool tells = runner.reports;
  if (!load_model(dir, model, error, meta, runner.read)) {
    if (!tells) return 2;
    for (const LogError& e : model.errors) std::cerr << "rmacheck: " << printable(e.str()) << "\n";
    for (const std::string& l : model.left_out) std::cerr << "rmacheck: " << printable(l) << "\n";
    std::cerr << "rmacheck: " << printable(error) << "\n";
    return 2;
  }
  if (tells) {
    for (const LogError& e : model.errors) std::cerr << "rmacheck: " << printable(e.str()) << "\n";
    for (const std::string& l : model.left_out) std::cerr << "rmacheck: " << printable(l) << "\n";
  }
  const double t_read = cpu_seconds();
  uint64_t events = 0;
  for (const RankLog& l : model.logs) events += l.events.size();
  progress.events(events);
  Analysis analysis =
      runner.run(model, [&progress](const char* name) { progress.phase(std::string("checking: ") + name); });
  if (!tells) return 0;  // its findings went to the process that reports
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

int parse_analyze_args(const std::vector<std::string>& args, AnalyzeArgs& out) {
  ReportOutput& ro = out.ro;
  ParsedArgs p = parse_args(
      args, analyze_options(),
      [&](const OptionSpec& spec, const std::string& v) -> std::string {
        bool handled = false;
        std::string err = report_option(ro, spec, v, handled);
        if (handled) return err;
        if (spec.long_name == std::string("--stats")) return ro.stats = true, "";
        if (spec.long_name == std::string("--jobs")) {
          long k = 0;
          err = parse_count(v, "-j", 1, 1 << 20, k);
          out.jobs = static_cast<int>(k);
          return err;
        }
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
  out.dir = dirs[0];
  // The arguments again without -j K: -j, --jobs, -jK, --jobs=K.
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-j" || a == "--jobs") {
      ++i;
      continue;
    }
    if ((a.rfind("-j", 0) == 0 && a.size() > 2 && a[1] == 'j') || a.rfind("--jobs=", 0) == 0) continue;
    out.other.push_back(a);
  }
  return -1;
}

}  // namespace rmacheck
