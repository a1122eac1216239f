// The human-readable report, in the manner of a ThreadSanitizer report:
// each finding with both sides (rank, call, bytes, file:line, the
// synchronization around them), then a one-line SUMMARY. Every string that
// came from the logs (paths, function names, the command line) is printed
// with its control characters escaped, so nothing in them can forge a line.
#include <sstream>

#include "report/escape.h"
#include "report/report.h"
#include "report/sync_bounds.h"

namespace rmacheck {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? printable(j[key].get<std::string>()) : std::string();
}

class TextRenderer {
 public:
  explicit TextRenderer(const json& report) : report_(report) {
    root_ = report.value("source_root", "");
    if (!root_.empty() && root_.back() != '/') root_ += "/";
  }

  std::string render();

 private:
  std::string where(const json& loc) const;
  std::string call_at(const json& ev, int side_rank) const;
  void finding(const json& f);
  void access(const json& a);
  void run_lines();
  void lint_lines();

  const json& report_;
  std::string root_;
  std::ostringstream out_;
};

std::string TextRenderer::where(const json& loc) const {
  // No frame of the user's: the call came from MPI, mpi4py or the interpreter
  // itself (mpi4py calls MPI_Finalize at interpreter exit).
  if (loc.is_null()) return "(no user source line: called from inside MPI, mpi4py or the Python runtime)";
  std::string file = loc.value("file", "");
  if (file.empty()) {  // no debug info: say what is known
    const std::string fn = str(loc, "function");
    return fn.empty() ? "(unknown location)" : "in " + fn;
  }
  if (!root_.empty() && file.compare(0, root_.size(), root_) == 0) file = file.substr(root_.size());
  std::string s = printable(file) + ":" + std::to_string(loc.value("line", 0));
  const std::string fn = str(loc, "function");
  return fn.empty() ? s : s + " in " + fn;
}

// "MPI_Win_fence at app.c:35" (", rank 1" when another rank made the call).
std::string TextRenderer::call_at(const json& ev, int side_rank) const {
  std::string s = str(ev, "call");
  if (ev["location"].is_object())
    s += (ev["location"].value("file", "").empty() ? " " : " at ") + where(ev["location"]);
  if (ev.value("rank", side_rank) != side_rank) s += " on rank " + std::to_string(ev["rank"].get<int>());
  return s;
}

void TextRenderer::access(const json& a) {
  out_ << "  ";
  if (a.contains("access")) out_ << str(a, "access") << " by ";
  if (a.contains("rank"))
    out_ << "rank " << a["rank"] << ": " << str(a, "call");
  else
    out_ << str(a, "call");  // a static finding's side: a place in the source
  if (a.contains("target_rank")) out_ << " on rank " << a["target_rank"];
  if (a.contains("bytes")) {
    out_ << ", " << (a.contains("memory") ? str(a, "memory") + " " : "") << "bytes [" << a["bytes"][0] << ","
         << a["bytes"][1] << ")";
    if (a.contains("disp"))
      out_ << " = disp [" << a["disp"][0] << "," << a["disp"][1] << ") x disp_unit " << a["disp_unit"];
    else if (a.contains("elements"))
      out_ << " = elements [" << a["elements"][0] << "," << a["elements"][1] << ") of " << a["element_size"]
           << " bytes";
  }
  if (a.contains("note")) out_ << " (" << str(a, "note") << ")";
  out_ << "\n";
  const json& stack = a["stack"];
  if (stack.empty()) out_ << "    #0 " << where(a["location"]) << "\n";
  for (size_t i = 0; i < stack.size(); ++i) out_ << "    #" << i << " " << where(stack[i]) << "\n";
  const std::vector<std::string> bounds =
      sync_bounds(a, [this](const json& ev, int side_rank) { return call_at(ev, side_rank); });
  if (!bounds.empty()) {
    out_ << "    ";
    for (size_t i = 0; i < bounds.size(); ++i) out_ << (i ? "; " : "") << bounds[i];
    out_ << "\n";
  }
}

void TextRenderer::finding(const json& f) {
  const bool error = f["severity"] == "error";
  out_ << (error ? "ERROR" : "WARNING") << ": rmacheck: " << str(f, "kind") << ": " << str(f, "message") << "\n";
  std::string ranks;
  for (const json& r : f["ranks"]) ranks += (ranks.empty() ? "" : ",") + std::to_string(r.get<int>());
  out_ << "  ";
  if (f.contains("window")) {
    out_ << "window " << str(f, "window");
    if (f.contains("window_created")) out_ << " (created by " << call_at(f["window_created"], -1) << ")";
    out_ << ", ";
  }
  if (f.value("static", false))  // rmacheck lint saw it (and the run too when "dynamic")
    out_ << (f.value("dynamic", false) ? "seen statically and in the run, ranks " + ranks : "static") << ", confidence "
         << str(f, "confidence");
  else
    out_ << "ranks " << ranks;
  if (f["count"].get<int>() > 1) out_ << ", " << f["count"] << " occurrences";
  out_ << "\n";
  if (f.contains("location")) out_ << "  at " << where(f["location"]) << "\n";
  for (const json& a : f["accesses"]) access(a);
  // Merged occurrences between other ranks than the sides shown: never hidden.
  const json& occ = f.value("occurrences", json::array());
  if (occ.size() > 1) {
    out_ << "  occurrences by the ranks of the sides:";
    size_t shown = 0;
    for (const json& o : occ) {
      if (++shown > 16) {
        out_ << " ... (" << occ.size() - 16 << " more)";
        break;
      }
      std::string r;
      for (const json& x : o["ranks"]) r += (r.empty() ? "" : ",") + std::to_string(x.get<int>());
      out_ << (shown > 1 ? ";" : "") << " " << r << " (" << o["count"] << "x)";
    }
    out_ << "\n";
  }
}

// What rmacheck lint read: "lint: 3 files, 12 functions", then parse errors.
void TextRenderer::lint_lines() {
  const json& lint = report_["lint"];
  for (const json& e : lint.value("errors", json::array()))
    out_ << "rmacheck: lint: " << printable(e.get<std::string>()) << "\n";
  size_t files = lint.value("files", json::array()).size();
  out_ << "lint: " << files << (files == 1 ? " file, " : " files, ") << lint.value("functions", 0) << " functions\n";
}

void TextRenderer::run_lines() {
  const json& run = report_["run"];
  if (run.is_null()) return;  // rmacheck lint alone
  for (const json& e : run["log_errors"]) out_ << "rmacheck: log error: " << printable(e.get<std::string>()) << "\n";
  out_ << "run: " << run["ranks"] << " ranks";
  if (!run["command"].empty()) {
    out_ << ", command:";
    for (const json& c : run["command"]) out_ << " " << printable(c.get<std::string>());
  }
  out_ << ", exit status " << (run["exit_status"].is_null() ? std::string("unknown") : run["exit_status"].dump());
  out_ << (run["complete"].get<bool>() ? ", all ranks finished" : ", incomplete") << "\n";
  for (const json& u : run["unfinished"]) {
    out_ << "  rank " << u["rank"] << " did not finish: " << str(u, "state");
    const std::string state = u["state"].get<std::string>();
    if (u.contains("call") && state.find(u["call"].get<std::string>()) == std::string::npos)
      out_ << " " << str(u, "call");
    if (u.contains("error_code")) out_ << "(errorcode " << u["error_code"] << ")";
    if (u.contains("location")) out_ << " at " << where(u["location"]);
    if (u.value("in_rmacheck", false))
      out_ << "; stopped inside rmacheck's own code (a defect of rmacheck, please report it)"
           << (u.contains("stopped_at") ? " at " + where(u["stopped_at"]) : std::string());
    else if (u.contains("stopped_at"))
      out_ << "; stopped outside MPI at " << where(u["stopped_at"]);
    out_ << "\n";
  }
}

std::string TextRenderer::render() {
  const char* rule = "==================\n";
  for (const json& f : report_["findings"]) {
    out_ << rule;
    finding(f);
  }
  if (!report_["findings"].empty()) out_ << rule;
  if (report_.contains("lint")) lint_lines();
  run_lines();
  for (const json& f : report_.value("suppressed", json::array())) {
    const json& by = f["suppressed_by"];
    out_ << "suppressed: " << str(f, "kind");
    const json& first = f["accesses"].empty() ? f.value("location", json()) : f["accesses"][0]["location"];
    if (first.is_object()) out_ << " at " << where(first);
    out_ << ", by " << (by.value("inline", false) ? "the comment at " : "");
    std::string file = by.value("file", "");
    if (!root_.empty() && file.compare(0, root_.size(), root_) == 0) file = file.substr(root_.size());
    out_ << printable(file) << ":" << by.value("line", 0) << " (" << str(by, "rule") << ")\n";
  }
  for (const json& n : report_.value("notes", json::array()))
    out_ << "note: " << printable(n.get<std::string>()) << "\n";
  if (report_["run"].is_object() &&
      report_["run"].contains("log_dir"))  // kept by rmacheck run: findings or --keep-logs
    out_ << "logs: " << printable(report_["run"]["log_dir"].get<std::string>()) << "\n";
  const json& s = report_["summary"];
  out_ << "SUMMARY: rmacheck: " << s["errors"] << (s["errors"] == 1 ? " error, " : " errors, ") << s["warnings"]
       << (s["warnings"] == 1 ? " warning" : " warnings");
  if (s.value("suppressed", 0) > 0) out_ << ", " << s["suppressed"] << " suppressed";
  out_ << "\n";
  return out_.str();
}

}  // namespace

std::string render_text(const json& report) { return TextRenderer(report).render(); }

}  // namespace rmacheck
