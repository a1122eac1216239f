// SARIF 2.1.0 output: one rule per finding kind, one result per finding;
// the first access is the primary location, the others related locations.
#include "report/report.h"

namespace rmacheck {

using nlohmann::json;

namespace {
json physical(const json& loc, const std::string& text) {
  json l = {{"physicalLocation",
             {{"artifactLocation", {{"uri", loc["file"]}}},
              {"region", {{"startLine", std::max(1, loc["line"].get<int>())}}}}}};
  if (!text.empty()) l["message"] = {{"text", text}};
  return l;
}
}  // namespace

std::string render_sarif(const json& report) {
  json rules = json::array();
  for (int k = 0; k < kKindCount; ++k) {
    const KindInfo& info = kind_info(static_cast<FindingKind>(k));
    rules.push_back({{"id", info.name},
                     {"shortDescription", {{"text", info.meaning}}},
                     {"defaultConfiguration", {{"level", info.severity == kError ? "error" : "warning"}}}});
  }
  json results = json::array();
  for (const json& f : report["findings"]) {
    json r = {{"ruleId", f["kind"]}, {"level", f["severity"]}, {"message", {{"text", f["message"]}}}};
    json locs = json::array(), related = json::array();
    for (const json& a : f["accesses"]) {
      if (a["location"].is_null()) continue;
      std::string text = a.contains("rank")
                             ? "rank " + std::to_string(a["rank"].get<int>()) + ": " + a["call"].get<std::string>()
                             : a["call"].get<std::string>();
      (locs.empty() ? locs : related).push_back(physical(a["location"], text));
    }
    if (f.contains("location") && !f["location"].is_null())
      (locs.empty() ? locs : related).push_back(physical(f["location"], ""));
    r["locations"] = locs;
    if (!related.empty()) r["relatedLocations"] = related;
    r["properties"] = {{"ranks", f["ranks"]}, {"count", f["count"]}};
    if (f.value("static", false)) {
      r["properties"]["static"] = true;
      r["properties"]["confidence"] = f["confidence"];
      if (f.value("dynamic", false)) r["properties"]["dynamic"] = true;
    }
    results.push_back(r);
  }
  json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       json::array({{{"tool", {{"driver", {{"name", "rmacheck"}, {"rules", rules}}}}}, {"results", results}}})}};
  return sarif.dump(2) + "\n";
}

}  // namespace rmacheck
