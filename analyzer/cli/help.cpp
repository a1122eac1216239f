#include "cli/help.h"

#include <iomanip>
#include <sstream>

#ifndef RMACHECK_VERSION
#define RMACHECK_VERSION "unknown"
#endif

namespace rmacheck {

namespace {

const char* kFormatHelp =
    "Report format: text (default; a ThreadSanitizer-like report), json (the document of the contract, for "
    "scripts), sarif (SARIF 2.1.0, for code-scanning tools), html (one self-contained page with per-window "
    "timelines). Without --format, -o FILE ending in .json, .sarif or .html picks that format.";
const char* kSuppressionsHelp =
    "Findings you accept: a file of rules by kind, source file (glob), function, line and finding code; "
    "suppressed findings are counted in the summary (user guide, Suppressions). `rmacheck-suppress:` comments "
    "in the sources work too.";
const char* kSourceRootHelp =
    "Paths in the report are shown relative to DIR, and SARIF URIs are relative to it (default: the working "
    "directory).";
const char* kLintHelp =
    "Also check SRC (a C/C++/mpi4py source file, or a build directory with compile_commands.json) statically "
    "with `rmacheck lint` and merge its findings into the report. May be given more than once.";
const char* kOutputHelp =
    "Write the report to FILE instead of stdout; a short summary (one line per finding and the SUMMARY line) "
    "still goes to stderr.";
const char* kQuietHelp =
    "No chatter of rmacheck's own on stderr (where the logs are, progress, why the job was stopped). Findings, "
    "errors and the program's own output are still shown.";

// The table of interposer flags, from the X-macro table the library itself reads.
struct FlagHelp {
  const char* env;
  const char* type;
  const char* def;
  const char* help;
};
const FlagHelp kFlags[] = {
#define RMACHECK_FLAG(type, field, env, def, help) {env, #type, #def, help},
#include "flags.def"
#undef RMACHECK_FLAG
};

std::string type_word(const std::string& t) {
  if (t == "int") return "number";
  if (t == "bool") return "0/1";
  return "string";
}

// Wraps text at width columns, every line indented by indent spaces.
void wrap(std::ostream& out, const std::string& text, size_t indent, size_t width = 78) {
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out << std::string(indent, ' ') << line << "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out << std::string(indent, ' ') << line << "\n";
}

void print_options(std::ostream& out, const std::vector<OptionSpec>& specs) {
  out << "\nOptions:\n";
  for (const OptionSpec& s : specs) {
    if (!s.help) continue;  // an alias listed with its main form
    std::string names;
    if (s.short_name && std::string(s.short_name) != s.long_name) names = std::string(s.short_name) + ", ";
    names += s.long_name;
    if (s.metavar) names += std::string(" ") + s.metavar;
    out << "  " << names << "\n";
    wrap(out, s.help, 6);
  }
  out << "  -h, --help\n      This help.\n";
}

}  // namespace

const std::vector<OptionSpec>& run_options() {
  static const std::vector<OptionSpec> specs = {
      {"-n", "-n", "N", "Number of ranks (1 to 1048576); passed to mpirun as -n N. Also written -np N, -n4."},
      {"-n", "-np", "N", nullptr},
      {"--timeout", nullptr, "SEC",
       "Stop the job after SEC seconds (a number > 0, fractions allowed). The logs written so far are analyzed "
       "and the report has a `hang` finding naming the call each rank was blocked in. Without it the job may "
       "run forever if it deadlocks."},
      {"--out", nullptr, "DIR",
       "Write the logs to DIR and keep them. DIR must be new, empty, or hold only files rmacheck wrote (those are "
       "replaced); anything else there is refused, so a report never mixes two runs. Without --out the logs go "
       "to a private directory under $TMPDIR (or /tmp) that is removed after a clean analysis and kept, and "
       "named in the report, when there are findings. For a job across several nodes give a DIR on a shared "
       "filesystem."},
      {"--keep-logs", nullptr, nullptr, "Keep the private log directory even when the analysis is clean."},
      {"--format", nullptr, "FMT", kFormatHelp},
      {"--output", "-o", "FILE", kOutputHelp},
      {"--mpi", nullptr, "openmpi|mpich",
       "The MPI the program runs on, which picks the interposer (librmacheck.so or librmacheck-mpich.so) and the "
       "launcher. Without it rmacheck reads the program's ELF dependencies (for a Python interpreter, those of "
       "mpi4py's MPI module): libmpi.so.40 is Open MPI, libmpich.so.12 or libmpi.so.12 MPICH and its ABI family "
       "(Intel MPI, Cray MPICH, MVAPICH); Open MPI when they say neither."},
      {"--mpirun", nullptr, "\"CMD ...\"",
       "The launcher command, split at spaces (default: mpirun.openmpi, else mpirun, for Open MPI; "
       "mpiexec.mpich, else mpiexec, for MPICH). It must accept -n N and, for Open MPI, -x VAR=VALUE, for MPICH "
       "(Hydra) -genv VAR VALUE."},
      {"--keep-going", nullptr, nullptr,
       "Do not let mpirun stop the whole job when one rank exits with an error (Open MPI's "
       "orte_abort_on_non_zero_status=0, MPICH's -disable-auto-cleanup)."},
      {"--guard-memory", nullptr, nullptr,
       "See the program's own loads and stores of window memory and pending buffers without recompiling "
       "(mpi4py/numpy programs, plain binaries): those pages are protected while a local access could "
       "conflict, and each fault is recorded. Open MPI is configured so that its own copies never meet a "
       "protected page; the report says how."},
      {"--stack-depth", nullptr, "N",
       "Record N frames (1 to 64) per MPI call, so that a call made inside your helper function shows who "
       "called the helper (only your program's frames are listed)."},
      {"--suppressions", nullptr, "FILE", kSuppressionsHelp},
      {"--source-root", nullptr, "DIR", kSourceRootHelp},
      {"--lint", nullptr, "SRC", kLintHelp},
      {"--quiet", "-q", nullptr, kQuietHelp},
  };
  return specs;
}

const std::vector<OptionSpec>& analyze_options() {
  static const std::vector<OptionSpec> specs = {
      {"--format", nullptr, "FMT", kFormatHelp},
      {"--jobs", "-j", "K",
       "Analyze with K processes (K > 1: Open MPI's mpirun.openmpi starts rmacheck-analyze-mpi, each process "
       "reads the logs and runs a share of the detectors; the report is the same as the serial one). "
       "`mpirun -n K rmacheck analyze DIR` does the same."},
      {"--stats", nullptr, nullptr,
       "Also print, on stderr, what the analysis cost: events, log bytes per event on disk, the time to read "
       "the logs and to check them, events per second and peak memory."},
      {"--output", "-o", "FILE", kOutputHelp},
      {"--suppressions", nullptr, "FILE", kSuppressionsHelp},
      {"--source-root", nullptr, "DIR", kSourceRootHelp},
      {"--lint", nullptr, "SRC", kLintHelp},
      {"--quiet", "-q", nullptr, kQuietHelp},
  };
  return specs;
}

const std::vector<OptionSpec>& dump_options() {
  static const std::vector<OptionSpec> specs = {};
  return specs;
}

const char* usage_synopsis() {
  return "usage: rmacheck run [-n N] [--timeout SEC] [--out DIR] [--keep-logs] [--format text|json|sarif|html]\n"
         "                    [-o FILE] [--suppressions FILE] [--source-root DIR] [--stack-depth N] [--lint SRC]\n"
         "                    [--mpi openmpi|mpich] [--mpirun \"mpirun ...\"] [--keep-going] [--quiet]\n"
         "                    -- PROGRAM [ARGS...]\n"
         "       rmacheck analyze DIR [-j K] [--format text|json|sarif|html] [-o FILE] [--suppressions FILE]\n"
         "                    [--source-root DIR] [--lint SRC] [--quiet]\n"
         "       rmacheck dump DIR\n"
         "       rmacheck lint [--format ...] [-o FILE] [-p BUILD_DIR] FILES... [-- COMPILER FLAGS]\n"
         "       rmacheck mpicc|mpicxx ARGS...   rmacheck cc|cxx COMPILER ARGS...   (instrumented builds)\n"
         "       rmacheck help [run|analyze|dump|lint|flags], rmacheck --version\n";
}

std::string version_string() { return std::string("rmacheck ") + RMACHECK_VERSION; }

bool print_help(const std::string& topic, std::ostream& out) {
  if (topic.empty()) {
    out << version_string() << ": finds bugs in MPI programs that use one-sided communication (RMA) and\n"
        << "persistent requests: data races, epoch errors, request misuse, leaks, hangs, failed runs.\n\n"
        << usage_synopsis() << "\nCommands:\n"
        << "  run       run an MPI program under the checker, then analyze and report\n"
        << "  analyze   report on a directory of logs (from run --out, or the plain LD_PRELOAD route)\n"
        << "  dump      print the logged events, one JSON object a line\n"
        << "  lint      check sources statically, without running them (`rmacheck lint --help`)\n"
        << "  mpicc, mpicxx, cc, cxx\n"
        << "            compile and link with load/store instrumentation (instrumented builds)\n"
        << "  help      this overview; `rmacheck help COMMAND` explains every option of COMMAND,\n"
        << "            `rmacheck help flags` the environment variables of the interposition library\n\n"
        << "Exit status: 0 no errors found (warnings alone give 0), 1 errors found (a failed, hung or\n"
        << "interrupted program is an error), 2 usage error or the tool itself failed.\n"
        << "User guide: docs/user-guide.md in the source tree.\n";
    return true;
  }
  if (topic == "run") {
    out << "usage: rmacheck run [OPTIONS] [--] PROGRAM [ARGS...]\n\n";
    wrap(out,
         "Starts PROGRAM under mpirun with the interposition library preloaded, waits for it, then analyzes the "
         "per-rank logs and prints the report. PROGRAM may be a Python interpreter running an mpi4py script "
         "(/usr/bin/python3 -m mpi4py app.py). The program's output and mpirun's are passed through; with a "
         "json or sarif report on stdout (no -o) they go to stderr, so stdout holds only the report. Ctrl-C, "
         "SIGTERM or SIGHUP stop the whole job (SIGKILL after 2 s), then what was logged is analyzed; the run "
         "then exits with status 1. A rank that crashes, exits non-zero, calls MPI_Abort or never reaches "
         "MPI_Finalize is a `program-failed` error; a call that fails with an MPI error is an `mpi-error`.",
         0);
    print_options(out, run_options());
    return true;
  }
  if (topic == "analyze") {
    out << "usage: rmacheck analyze DIR [OPTIONS]\n\n";
    wrap(out,
         "Analyzes the logs in DIR (rank-N.log, and run.json when rmacheck run wrote them) and prints the report. "
         "Logs of another run (their run id differs from run.json's, or without run.json from the newest logs') "
         "are left out with a one-line message. Damaged logs are reported with file and offset; what comes "
         "before the damage is analyzed.",
         0);
    print_options(out, analyze_options());
    return true;
  }
  if (topic == "dump") {
    out << "usage: rmacheck dump DIR\n\n";
    wrap(out,
         "Prints every logged event of DIR as one JSON object a line (rank, seq, thread, call, times, return code, "
         "fields, source location), datatype layouts first. For looking at what the interposer saw.",
         0);
    print_options(out, dump_options());
    return true;
  }
  if (topic == "flags") {
    out << "Environment variables read by librmacheck.so at MPI_Init (rmacheck run sets RMACHECK_DIR and\n"
        << "RMACHECK_RUN_ID itself; the others pass through from your environment). An unknown RMACHECK_*\n"
        << "variable or a malformed value gets a warning on rank 0's stderr.\n\n";
    for (const FlagHelp& f : kFlags) {
      std::string def = f.def;
      if (def.size() >= 2 && def.front() == '"') def = def.substr(1, def.size() - 2);
      if (def.empty()) def = "(none)";
      if (def == "true" || def == "false") def = def == "true" ? "1" : "0";
      out << "  " << f.env << " (" << type_word(f.type) << ", default " << def << ")\n";
      wrap(out, f.help, 6);
    }
    return true;
  }
  return false;
}

}  // namespace rmacheck
