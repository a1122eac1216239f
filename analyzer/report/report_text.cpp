// The human-readable report, in the manner of a ThreadSanitizer report:
// each finding with both sides (rank, call, bytes, file:line), then a
// one-line SUMMARY.
#include <unistd.h>

#include <sstream>

#include "report/report.h"

namespace rmacheck {

using nlohmann::json;

namespace {

std::string cwd_prefix() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? std::string(buf) + "/" : std::string();
}

std::string where(const json& loc) {
  // No frame of the user's: the call came from MPI, mpi4py or the interpreter
  // itself (mpi4py calls MPI_Finalize at interpreter exit).
  if (loc.is_null()) return "(no user source line: called from inside MPI, mpi4py or the Python runtime)";
  if (loc["file"].get<std::string>().empty()) {  // no debug info: say what is known
    std::string fn = loc.value("function", "");
    return fn.empty() ? "(unknown location)" : "in " + fn;
  }
  static const std::string cwd = cwd_prefix();
  std::string file = loc["file"].get<std::string>();
  if (!cwd.empty() && file.compare(0, cwd.size(), cwd) == 0) file = file.substr(cwd.size());
  std::string s = file + ":" + std::to_string(loc["line"].get<int>());
  std::string fn = loc.value("function", "");
  return fn.empty() ? s : s + " in " + fn;
}

void print_access(std::ostringstream& out, const json& a) {
  out << "  ";
  if (a.contains("access")) out << a["access"].get<std::string>() << " by ";
  if (a.contains("rank"))
    out << "rank " << a["rank"] << ": " << a["call"].get<std::string>();
  else
    out << a["call"].get<std::string>();  // a static finding's side: a place in the source
  if (a.contains("target_rank")) out << " on rank " << a["target_rank"];
  if (a.contains("bytes")) out << ", bytes [" << a["bytes"][0] << "," << a["bytes"][1] << ")";
  if (a.contains("note")) out << " (" << a["note"].get<std::string>() << ")";
  out << "\n";
  const json& stack = a["stack"];
  if (stack.empty()) {
    out << "    #0 " << where(a["location"]) << "\n";
    return;
  }
  for (size_t i = 0; i < stack.size(); ++i) out << "    #" << i << " " << where(stack[i]) << "\n";
}

std::string summary_line(const json& s) {
  std::ostringstream out;
  out << "SUMMARY: rmacheck: " << s["errors"] << (s["errors"] == 1 ? " error, " : " errors, ") << s["warnings"]
      << (s["warnings"] == 1 ? " warning" : " warnings") << "\n";
  return out.str();
}

// What rmacheck lint read: "lint: 3 files, 12 functions", then parse errors.
std::string lint_line(const json& lint) {
  std::ostringstream out;
  for (const json& e : lint.value("errors", json::array())) out << "rmacheck: lint: " << e.get<std::string>() << "\n";
  size_t files = lint.value("files", json::array()).size();
  out << "lint: " << files << (files == 1 ? " file, " : " files, ") << lint.value("functions", 0) << " functions\n";
  return out.str();
}

}  // namespace

std::string render_text(const json& report) {
  std::ostringstream out;
  const char* rule = "==================\n";
  for (const json& f : report["findings"]) {
    const bool error = f["severity"] == "error";
    out << rule << (error ? "ERROR" : "WARNING") << ": rmacheck: " << f["kind"].get<std::string>() << ": "
        << f["message"].get<std::string>() << "\n";
    std::string ranks;
    for (const json& r : f["ranks"]) ranks += (ranks.empty() ? "" : ",") + std::to_string(r.get<int>());
    out << "  ";
    if (f.contains("window")) out << "window " << f["window"].get<std::string>() << ", ";
    if (f.value("static", false))  // rmacheck lint saw it (and the run too when "dynamic")
      out << (f.value("dynamic", false) ? "seen statically and in the run, ranks " + ranks : "static")
          << ", confidence " << f.value("confidence", "");
    else
      out << "ranks " << ranks;
    if (f["count"].get<int>() > 1) out << ", " << f["count"] << " occurrences";
    out << "\n";
    if (f.contains("location")) out << "  at " << where(f["location"]) << "\n";
    for (const json& a : f["accesses"]) print_access(out, a);
  }
  if (!report["findings"].empty()) out << rule;

  if (report.contains("lint")) out << lint_line(report["lint"]);
  const json& run = report["run"];
  if (run.is_null()) return out.str() + summary_line(report["summary"]);
  for (const json& e : run["log_errors"]) out << "rmacheck: log error: " << e.get<std::string>() << "\n";
  out << "run: " << run["ranks"] << " ranks";
  if (!run["command"].empty()) {
    out << ", command:";
    for (const json& c : run["command"]) out << " " << c.get<std::string>();
  }
  out << ", exit status " << (run["exit_status"].is_null() ? std::string("unknown") : run["exit_status"].dump());
  out << (run["complete"].get<bool>() ? ", all ranks finished" : ", incomplete") << "\n";
  for (const json& u : run["unfinished"]) {
    out << "  rank " << u["rank"] << " did not finish: " << u["state"].get<std::string>();
    const std::string state = u["state"].get<std::string>();
    if (u.contains("call") && state.find(u["call"].get<std::string>()) == std::string::npos)
      out << " " << u["call"].get<std::string>();
    if (u.contains("error_code")) out << "(errorcode " << u["error_code"] << ")";
    if (u.contains("location")) out << " at " << where(u["location"]);
    out << "\n";
  }
  for (const json& n : report.value("notes", json::array())) out << "note: " << n.get<std::string>() << "\n";
  return out.str() + summary_line(report["summary"]);
}

}  // namespace rmacheck
