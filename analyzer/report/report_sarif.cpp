// SARIF 2.1.0 output, in the shape code-scanning services accept: one rule
// per finding kind (with help text), one result per finding, artifact URIs
// relative to the source root (uriBaseId SRCROOT), the first side as the
// primary location and every side as a related location, the run's exit
// status as the invocation, notes as tool notifications, and suppressed
// findings as results with a suppression. A side without a source line (no
// -g) is a logical location (its function), never line 1 of an empty URI.
#include <cstdint>

#include "report/kind_help.h"
#include "report/report.h"

#ifndef RMACHECK_VERSION
#define RMACHECK_VERSION "0"
#endif

namespace rmacheck {

using nlohmann::json;

namespace {

const char* kBase = "SRCROOT";

// RFC 3986 percent-encoding of a path (unreserved characters and '/' stay).
std::string uri_path(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// FNV-1a: a fingerprint that is the same in every build, for tracking a finding across runs.
std::string fingerprint(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 60; i >= 0; i -= 4) out += hex[(h >> i) & 15];
  return out;
}

std::string pascal(const std::string& kind) {
  std::string out;
  bool up = true;
  for (char c : kind) {
    if (c == '-') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

class SarifRenderer {
 public:
  explicit SarifRenderer(const json& report) : report_(report) {
    root_ = report.value("source_root", "");
    if (!root_.empty() && root_.back() != '/') root_ += "/";
  }

  // A location for `loc` (a frame of the report), or null when nothing is known.
  json location(const json& loc, const std::string& text) const {
    json l = json::object();
    if (!loc.is_object()) return nullptr;
    const std::string file = loc.value("file", ""), function = loc.value("function", "");
    const int line = loc.value("line", 0);
    if (!file.empty()) {
      json artifact;
      if (file[0] != '/')
        artifact = {{"uri", uri_path(file)}, {"uriBaseId", kBase}};
      else if (!root_.empty() && file.compare(0, root_.size(), root_) == 0)
        artifact = {{"uri", uri_path(file.substr(root_.size()))}, {"uriBaseId", kBase}};
      else
        artifact = {{"uri", "file://" + uri_path(file)}};
      l["physicalLocation"] = {{"artifactLocation", artifact}};
      if (line > 0) l["physicalLocation"]["region"] = {{"startLine", line}};
    }
    if (!function.empty()) l["logicalLocations"] = json::array({{{"name", function}, {"kind", "function"}}});
    if (l.empty()) return nullptr;
    if (!text.empty()) l["message"] = {{"text", text}};
    return l;
  }

  json rules() const {
    json rules = json::array();
    for (int k = 0; k < kKindCount; ++k) {
      const KindInfo& info = kind_info(static_cast<FindingKind>(k));
      const std::string help = kind_help(info.name);
      rules.push_back({{"id", info.name},
                       {"name", pascal(info.name)},
                       {"shortDescription", {{"text", info.meaning}}},
                       {"fullDescription", {{"text", std::string(info.meaning) + "."}}},
                       {"help", {{"text", help}, {"markdown", help}}},
                       {"defaultConfiguration", {{"level", info.severity == kError ? "error" : "warning"}}},
                       {"properties", {{"tags", {"correctness", "mpi"}}}}});
    }
    return rules;
  }

  json result(const json& f) const {
    int index = 0;
    for (int k = 0; k < kKindCount; ++k)
      if (f["kind"] == kind_info(static_cast<FindingKind>(k)).name) index = k;
    json r = {
        {"ruleId", f["kind"]}, {"ruleIndex", index}, {"level", f["severity"]}, {"message", {{"text", f["message"]}}}};
    json locs = json::array(), related = json::array();
    int id = 0;
    for (const json& a : f["accesses"]) {
      std::string text = a.contains("rank") ? "rank " + std::to_string(a["rank"].get<int>()) + ": " : "";
      if (a.contains("access")) text += a["access"].get<std::string>() + " by ";
      text += a["call"].get<std::string>();
      if (a.contains("target_rank")) text += " on rank " + std::to_string(a["target_rank"].get<int>());
      if (a.contains("bytes"))
        text += ", bytes [" + std::to_string(a["bytes"][0].get<int64_t>()) + "," +
                std::to_string(a["bytes"][1].get<int64_t>()) + ")";
      json l = location(a["location"], text);
      if (l.is_null()) continue;
      if (locs.empty()) locs.push_back(l);
      l["id"] = id++;
      related.push_back(l);
    }
    if (f.contains("location")) {
      json l = location(f["location"], "");
      if (!l.is_null()) (locs.empty() ? locs : related).push_back(l);
    }
    r["locations"] = locs;
    if (!related.empty()) r["relatedLocations"] = related;
    r["partialFingerprints"] = {{"rmacheckFinding/v1", fingerprint(merge_key(f))}};
    json props = {{"ranks", f["ranks"]}, {"count", f["count"]}};
    if (f.contains("window")) props["window"] = f["window"];
    if (f.value("static", false)) {  // rmacheck lint saw it (and the run too when "dynamic")
      props["static"] = true;
      props["confidence"] = f["confidence"];
      if (f.value("dynamic", false)) props["dynamic"] = true;
    }
    r["properties"] = props;
    if (f.contains("suppressed_by")) {
      const json& by = f["suppressed_by"];
      const std::string where = by.value("file", "") + ":" + std::to_string(by.value("line", 0));
      r["suppressions"] =
          json::array({{{"kind", by.value("inline", false) ? "inSource" : "external"},
                        {"justification", "rmacheck suppression " + where + ": " + by.value("rule", std::string())}}});
    }
    return r;
  }

  json invocation() const {
    static const json kNoRun = {{"log_errors", json::array()},
                                {"command", json::array()},
                                {"exit_status", nullptr},
                                {"ranks", 0},
                                {"complete", nullptr}};
    const json& run = report_["run"].is_null() ? kNoRun : report_["run"];  // rmacheck lint alone
    const int status = report_exit_status(report_);
    json notes = json::array();
    for (const json& e : run["log_errors"])
      notes.push_back({{"level", "error"}, {"message", {{"text", "log error: " + e.get<std::string>()}}}});
    for (const json& n : report_.value("notes", json::array()))
      notes.push_back({{"level", "note"}, {"message", {{"text", n}}}});
    json inv = {{"executionSuccessful", true},
                {"exitCode", status},
                {"exitCodeDescription", status ? "errors found" : "no errors found"},
                {"properties",
                 {{"program_command", run["command"]},
                  {"program_exit_status", run["exit_status"]},
                  {"ranks", run["ranks"]},
                  {"complete", run["complete"]}}}};
    if (!notes.empty()) inv["toolExecutionNotifications"] = notes;
    return inv;
  }

  std::string render() const {
    json results = json::array();
    for (const json& f : report_["findings"]) results.push_back(result(f));
    for (const json& f : report_.value("suppressed", json::array())) results.push_back(result(f));
    json run = {{"tool",
                 {{"driver",
                   {{"name", "rmacheck"},
                    {"version", RMACHECK_VERSION},
                    {"semanticVersion", RMACHECK_VERSION},
                    {"rules", rules()}}}}},
                {"invocations", json::array({invocation()})},
                {"results", results},
                {"columnKind", "utf16CodeUnits"}};
    if (!root_.empty()) run["originalUriBaseIds"] = {{kBase, {{"uri", "file://" + uri_path(root_)}}}};
    json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                  {"version", "2.1.0"},
                  {"runs", json::array({run})}};
    return dump_json(sarif, 2) + "\n";
  }

 private:
  const json& report_;
  std::string root_;
};

}  // namespace

std::string render_sarif(const json& report) { return SarifRenderer(report).render(); }

}  // namespace rmacheck
