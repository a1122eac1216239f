#include "report/report.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>
#include <set>

#include "report/location.h"

namespace rmacheck {

using nlohmann::json;

namespace {

json frame_json(const Frame& f) { return {{"file", f.file}, {"line", f.line}, {"function", f.function}}; }

json site_json(const SourceSite& s) { return {{"file", s.file}, {"line", s.line}, {"function", s.function}}; }

// A side of a static finding: a place in the source, no rank.
json static_access_json(const Access& a) {
  json j;
  j["call"] = a.site->call;
  if (!a.access.empty()) j["access"] = a.access;
  if (!a.note.empty()) j["note"] = a.note;
  j["location"] = site_json(*a.site);
  j["stack"] = json::array({site_json(*a.site)});
  return j;
}

json access_json(const Model& model, LocationResolver& where, const Access& a) {
  if (a.site) return static_access_json(a);
  json j;
  j["rank"] = a.event.rank;
  j["call"] = model.event(a.event).name();
  if (!a.access.empty()) j["access"] = a.access;
  if (a.target_rank >= 0) j["target_rank"] = a.target_rank;
  if (a.lo >= 0) j["bytes"] = {a.lo, a.hi};
  if (!a.note.empty()) j["note"] = a.note;
  auto stack = where.stack(a.event);
  j["location"] = stack.empty() ? json(nullptr) : frame_json(stack.front());
  json s = json::array();
  for (const Frame& f : stack) s.push_back(frame_json(f));
  j["stack"] = s;
  return j;
}

// What makes two findings "the same bug": kind, and each side's call and source line.
std::string merge_key(const json& f) {
  std::string key = f["kind"].get<std::string>() + "|" + f.value("window", "");
  auto loc_key = [](const json& loc) {
    return loc.is_null() ? std::string("?")
                         : loc["file"].get<std::string>() + ":" + std::to_string(loc["line"].get<int>());
  };
  // Sides in a fixed order: a race found once as (put, get) and once as (get, put) is one bug.
  std::vector<std::string> sides;
  for (const json& a : f["accesses"])
    sides.push_back(a["call"].get<std::string>() + "@" + loc_key(a["location"]) + a.value("access", ""));
  std::sort(sides.begin(), sides.end());
  for (const std::string& s : sides) key += "|" + s;
  if (f.contains("location")) key += "|@" + loc_key(f["location"]);
  return key;
}

json run_json(const Model& model, LocationResolver& where) {
  json run;
  run["ranks"] = model.world_size;
  run["command"] = model.meta.command;
  run["complete"] = model.complete();
  run["exit_status"] = model.meta.exit_status ? json(*model.meta.exit_status) : json(nullptr);
  run["hang"] = nullptr;
  json errors = json::array();
  for (const LogError& e : model.errors) errors.push_back(e.str());
  run["log_errors"] = errors;
  // Ranks that did not leave MPI_Finalize: where each one was last seen.
  json unfinished = json::array();
  for (int r = 0; r < model.world_size; ++r) {
    const RankLog* log = model.rank_log(r);
    if (log && log->finished) continue;
    json u;
    u["rank"] = r;
    if (!log) {
      u["state"] = "no log";
    } else if (log->events.empty()) {
      u["state"] = "no calls logged";
    } else {
      const uint32_t last = static_cast<uint32_t>(log->events.size() - 1);
      const Event& e = log->events[last];
      u["call"] = e.name();
      u["state"] = e.call == kCall_Abort ? "called MPI_Abort"
                   : e.returned          ? "stopped after its last MPI call"
                                         : "inside the call";
      if (e.call == kCall_Abort) u["error_code"] = log->view(e).get_or(kF_error_code, 0);
      Frame f = where.location({r, last});
      u["location"] = f.file.empty() ? json(nullptr) : frame_json(f);
    }
    unfinished.push_back(u);
  }
  run["unfinished"] = unfinished;
  if (model.meta.timed_out) run["timeout_s"] = model.meta.timeout_s;
  return run;
}

// The source lines a finding points at, as "file:line" (files by real path).
std::set<std::string> finding_lines(const json& f) {
  std::set<std::string> out;
  auto add = [&](const json& loc) {
    if (!loc.is_object() || loc.value("file", "").empty()) return;
    char buf[PATH_MAX];
    std::string file = loc["file"].get<std::string>();
    if (realpath(file.c_str(), buf)) file = buf;
    out.insert(file + ":" + std::to_string(loc.value("line", 0)));
  };
  for (const json& a : f["accesses"]) add(a["location"]);
  if (f.contains("location")) add(f["location"]);
  return out;
}

// rmacheck run/analyze --lint: a finding that lint saw and the run saw too is
// one finding marked as both (`"static": true, "dynamic": true`): the dynamic
// one (it has ranks and bytes) absorbs the static one of the same kind that
// points at one of its source lines.
std::vector<json> merge_static_into_dynamic(std::vector<json> findings) {
  std::vector<bool> absorbed(findings.size(), false);
  for (size_t s = 0; s < findings.size(); ++s) {
    if (!findings[s].value("static", false)) continue;
    const std::set<std::string> lines = finding_lines(findings[s]);
    for (size_t d = 0; d < findings.size(); ++d) {
      json& dyn = findings[d];
      if (dyn.value("static", false) || dyn.value("dynamic", false) || dyn["kind"] != findings[s]["kind"]) continue;
      const std::set<std::string> dl = finding_lines(dyn);
      if (std::none_of(lines.begin(), lines.end(), [&](const std::string& l) { return dl.count(l) > 0; })) continue;
      dyn["static"] = true;
      dyn["dynamic"] = true;
      dyn["confidence"] = findings[s]["confidence"];
      dyn["static_accesses"] = findings[s]["accesses"];
      absorbed[s] = true;
      break;
    }
  }
  std::vector<json> out;
  for (size_t i = 0; i < findings.size(); ++i)
    if (!absorbed[i]) out.push_back(std::move(findings[i]));
  return out;
}

}  // namespace

json build_report(const Model& model, const Analysis& analysis) {
  LocationResolver where(model);
  json report;
  report["tool"] = "rmacheck";
  report["format_version"] = 1;
  // rmacheck lint alone has no run: "run" is null and "lint" says what was read.
  const bool lint_only = model.logs.empty() && model.dir.empty() && !analysis.lint.is_null();
  report["run"] = lint_only ? json(nullptr) : run_json(model, where);
  if (!analysis.lint.is_null()) report["lint"] = analysis.lint;

  std::vector<json> merged;
  std::map<std::string, size_t> by_key;
  std::vector<std::set<int>> ranks;
  for (const Finding& f : analysis.findings) {
    json j;
    const KindInfo& k = kind_info(f.kind);
    j["kind"] = k.name;
    j["severity"] = k.severity == kError ? "error" : "warning";
    j["message"] = f.message;
    if (!f.window.empty()) j["window"] = f.window;
    json acc = json::array();
    std::set<int> involved(f.ranks.begin(), f.ranks.end());
    for (const Access& a : f.accesses) {
      acc.push_back(access_json(model, where, a));
      if (!a.site) involved.insert(a.event.rank);
    }
    j["accesses"] = acc;
    if (f.where) {
      Frame loc = where.location(*f.where);
      j["location"] = loc.file.empty() ? json(nullptr) : frame_json(loc);
      involved.insert(f.where->rank);
    }
    if (f.site) j["location"] = site_json(*f.site);
    if (f.is_static) {
      j["static"] = true;
      j["confidence"] = f.confidence;
    }
    json details = f.details;
    if (f.code != kNoCode) details["code"] = code_info(f.code).code;
    if (!details.empty()) j["details"] = details;
    j["count"] = f.count;
    std::string key = merge_key(j);
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      by_key[key] = merged.size();
      merged.push_back(j);
      ranks.push_back(involved);
    } else {
      merged[it->second]["count"] = merged[it->second]["count"].get<int>() + f.count;
      ranks[it->second].insert(involved.begin(), involved.end());
    }
    if (f.kind == kKind_hang) report["run"]["hang"] = j["details"];
  }
  for (size_t i = 0; i < merged.size(); ++i) merged[i]["ranks"] = std::vector<int>(ranks[i].begin(), ranks[i].end());
  merged = merge_static_into_dynamic(std::move(merged));
  int errors = 0, warnings = 0;
  json out = json::array();
  for (size_t i = 0; i < merged.size(); ++i) {
    (merged[i]["severity"] == "error" ? errors : warnings) += 1;
    out.push_back(merged[i]);
  }
  report["findings"] = out;
  report["notes"] = analysis.notes;
  report["summary"] = {{"errors", errors}, {"warnings", warnings}};
  return report;
}

int report_exit_status(const json& report) { return report["summary"]["errors"].get<int>() > 0 ? 1 : 0; }

std::string render_json(const json& report) { return report.dump(2) + "\n"; }

}  // namespace rmacheck
