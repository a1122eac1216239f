// rmacheck analyze, and the report half of rmacheck run: options of the
// report, loading the logs, running the detectors, writing the report.
// Shared by the rmacheck tool and rmacheck-analyze-mpi (analyzer/parallel/),
// which runs the same steps with the detectors split across MPI processes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "detectors/detector.h"
#include "lint/lint.h"
#include "model/model.h"
#include "model/run_meta.h"
#include "report/suppressions.h"

namespace rmacheck {

int usage_error(const std::string& msg);  // prints it with the synopsis; returns 2
int tool_error(const std::string& msg);   // prints it; returns 2

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

// The options both run and analyze take; "" when handled, else a usage error
// (starting with '!' when it is about a file, not the command line).
std::string report_option(ReportOutput& ro, const OptionSpec& spec, const std::string& value, bool& handled);
// A format from -o FILE's extension when --format was not given.
void settle_format(ReportOutput& ro);

// What to do with the log directory once the report is built.
struct LogDirPolicy {
  bool from_run = false;     // rmacheck run wrote it: the report names it when it is kept
  bool private_dir = false;  // rmacheck made it (no --out)
  bool keep = false;         // --keep-logs
};

// Who runs the detectors. The serial runner is run_detectors; the MPI one
// (analyzer/parallel/) shares them out and gathers the findings on one process.
struct DetectorRunner {
  std::function<Analysis(const Model&, const std::function<void(const char*)>&)> run;
  // false: this process checks its share but another one writes the report
  // (it prints nothing about the logs either: that one does).
  bool reports = true;
  // Who reads the log files (model.h); none: this process reads them all.
  LogFileReader read = nullptr;
};
const DetectorRunner& serial_detectors();

// Loads the logs, runs every detector, writes the report; returns the exit status.
int analyze(const std::string& dir, const ReportOutput& ro, const LogDirPolicy& policy, const RunMeta* meta = nullptr,
            const DetectorRunner& runner = serial_detectors());

// rmacheck analyze's arguments (after the word "analyze").
struct AnalyzeArgs {
  std::string dir;
  ReportOutput ro;
  int jobs = 0;                    // -j K; 0 when not given
  std::vector<std::string> other;  // every argument but -j K (what a parallel analysis is started with)
};
// -1 when `args` parsed; else the exit status (help printed, or a usage error).
int parse_analyze_args(const std::vector<std::string>& args, AnalyzeArgs& out);

}  // namespace rmacheck
