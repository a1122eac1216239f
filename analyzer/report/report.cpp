#include "report/report.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>

#include "report/location.h"
#include "report/source_files.h"
#include "report/suppressions.h"

namespace rmacheck {

using nlohmann::json;

std::string dump_json(const json& j, int indent) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

namespace {

// Until the program's own loads and stores are recorded, only MPI calls are seen.
const char* kLocalAccessNote =
    "local loads and stores of window memory and buffers were not checked (only MPI calls are observed; build with "
    "rmacheck mpicc to check them)";

// Some rank ran code built with rmacheck mpicc: its loads and stores were observed (the
// local-access detector's notes say in which modules).
bool local_accesses_observed(const Model& model) {
  for (const RankLog& log : model.logs)
    if (!log.instrumented.empty() || !log.guard.empty()) return true;  // instrumented code, or guarded pages
  return false;
}
const char* kNoLineNote =
    "some of your program's frames carry no line information (only function names are shown): compile with -g";

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

// A call the report points at besides a side: rank, call, its index in the rank's log, location.
json event_json(const Model& model, LocationResolver& where, EventRef e) {
  Frame loc = where.location(e);
  return {{"rank", e.rank},
          {"call", model.event(e).name()},
          {"event", e.index},
          {"location", loc.file.empty() && loc.function.empty() ? json(nullptr) : frame_json(loc)}};
}

json access_json(const Model& model, LocationResolver& where, const Access& a) {
  if (a.site) return static_access_json(a);
  json j;
  j["rank"] = a.event.rank;
  j["call"] = model.event(a.event).name();
  j["event"] = a.event.index;
  if (!a.access.empty()) j["access"] = a.access;
  if (a.target_rank >= 0) j["target_rank"] = a.target_rank;
  if (!a.memory.empty()) j["memory"] = a.memory;
  if (a.lo >= 0) j["bytes"] = {a.lo, a.hi};
  if (a.lo >= 0 && a.unit > 0) {
    // [lo, hi) in units: the displacements (window) or element indices (buffer) the bytes cover.
    const json range = {a.lo / a.unit, (a.hi + a.unit - 1) / a.unit};
    if (a.memory == "window")
      j["disp"] = range, j["disp_unit"] = a.unit;
    else
      j["elements"] = range, j["element_size"] = a.unit;
  }
  if (!a.note.empty()) j["note"] = a.note;
  auto stack = where.stack(a.event);
  j["location"] = stack.empty() ? json(nullptr) : frame_json(stack.front());
  json s = json::array();
  for (const Frame& f : stack) s.push_back(frame_json(f));
  j["stack"] = s;
  if (a.epoch_opened || a.completion_known) {
    json sync = json::object();
    if (a.epoch_opened) sync["opened_by"] = event_json(model, where, *a.epoch_opened);
    if (a.completion_known) sync["completed_by"] = a.completed ? event_json(model, where, *a.completed) : json(nullptr);
    j["sync"] = sync;
  }
  if (a.request) j["request"] = {{"created_by", event_json(model, where, *a.request)}};
  return j;
}

std::string loc_key(const json& loc) {
  return loc.is_null() ? std::string("?")
                       : loc["file"].get<std::string>() + ":" + std::to_string(loc["line"].get<int>());
}

std::string side_key(const json& a) {
  return a["call"].get<std::string>() + "@" + loc_key(a["location"]) + a.value("access", "");
}

// The sides of a finding in a fixed order (by side key, then by the given
// ranks): a race found once as (put, get) and once as (get, put) is one bug.
std::vector<size_t> canonical_order(const json& f, const std::vector<int>& ranks) {
  const json& acc = f["accesses"];
  std::vector<size_t> order(acc.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const std::string kx = side_key(acc[x]), ky = side_key(acc[y]);
    return kx != ky ? kx < ky : ranks[x] < ranks[y];
  });
  return order;
}

// The ranks of the sides (-1 for a static finding's side: a place, no rank).
std::vector<int> access_ranks(const json& f) {
  std::vector<int> r;
  for (const json& a : f["accesses"]) r.push_back(a.value("rank", -1));
  return r;
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
    } else if (log->logging_stopped_at) {
      u["state"] = "logging stopped (the log could not grow: disk full)";
    } else if (log->events.empty()) {
      u["state"] = "no calls logged";
    } else {
      uint32_t last = static_cast<uint32_t>(log->events.size() - 1);
      for (uint32_t i = last + 1; i-- > 0;)  // loads, stores and thread synchronization are no MPI call
        if (is_mpi_call(log->events[i].call)) {
          last = i;
          break;
        }
      const Event& e = log->events[last];
      u["call"] = e.name();
      u["state"] = e.call == kCall_Abort ? "called MPI_Abort"
                   : e.returned          ? "stopped after its last MPI call"
                                         : "inside the call";
      if (e.call == kCall_Abort) u["error_code"] = log->view(e).get_or(kF_error_code, 0);
      Frame f = where.location({r, last});
      u["location"] = f.file.empty() ? json(nullptr) : frame_json(f);
      // Where the stop signal found it outside MPI (the interposer's stop note), when later; not
      // for a rank still inside a call (the note would then be another thread's, MPI's own).
      if (const auto note = log->stop_note(); note && *note > last && e.returned) {
        if (log->stopped_in_rmacheck(*note)) u["in_rmacheck"] = true;  // stopped_at is then rmacheck's code
        Frame s = where.location({r, *note});
        if (!s.file.empty()) u["stopped_at"] = frame_json(s);
      }
    }
    unfinished.push_back(u);
  }
  run["unfinished"] = unfinished;
  if (model.meta.timed_out) run["timeout_s"] = model.meta.timeout_s;
  return run;
}

// "no log from ranks 2,3 (...)": the run cannot be called clean without their events.
std::string missing_ranks_note(const std::vector<int>& ranks) {
  std::string list;
  for (size_t i = 0; i < ranks.size() && i < 16; ++i) list += (i ? "," : "") + std::to_string(ranks[i]);
  if (ranks.size() > 16) list += ",... (" + std::to_string(ranks.size()) + " ranks)";
  return std::string("no log from rank") + (ranks.size() > 1 ? "s " : " ") + list +
         ": their events are not checked, so this is not a clean run (exit status 1 without other errors)";
}

// A user frame that was found but has no line: the program was built without -g.
bool lacks_lines(const json& loc) {
  return loc.is_object() && loc.value("file", "").empty() && !loc.value("function", "").empty();
}

bool any_frame_lacks_lines(const json& findings) {
  for (const json& f : findings) {
    if (f.contains("location") && lacks_lines(f["location"])) return true;
    for (const json& a : f["accesses"])
      for (const json& fr : a["stack"])
        if (lacks_lines(fr)) return true;
  }
  return false;
}

std::string working_directory() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? std::string(buf) : std::string();
}

// One merged finding: its JSON (the first occurrence's sides), the ranks
// involved, and the occurrences by the ranks of its sides in canonical order.
struct Merged {
  json finding;
  std::set<int> ranks;
  std::vector<size_t> order;                      // canonical position -> index in finding["accesses"]
  std::map<std::vector<int>, int> by_side_ranks;  // canonical ranks -> count
};

// The rank tuples of the sides, in `order`, as the representative lists its accesses.
json occurrences_json(const Merged& m) {
  json out = json::array();
  for (const auto& [canonical, count] : m.by_side_ranks) {
    std::vector<int> ranks(canonical.size());
    for (size_t i = 0; i < canonical.size(); ++i) ranks[m.order[i]] = canonical[i];
    out.push_back({{"ranks", ranks}, {"count", count}});
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["ranks"] < b["ranks"]; });
  return out;
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
std::vector<Merged> merge_static_into_dynamic(std::vector<Merged> findings) {
  std::vector<bool> absorbed(findings.size(), false);
  for (size_t s = 0; s < findings.size(); ++s) {
    if (!findings[s].finding.value("static", false)) continue;
    const std::set<std::string> lines = finding_lines(findings[s].finding);
    for (size_t d = 0; d < findings.size(); ++d) {
      json& dyn = findings[d].finding;
      if (dyn.value("static", false) || dyn.value("dynamic", false) || dyn["kind"] != findings[s].finding["kind"])
        continue;
      const std::set<std::string> dl = finding_lines(dyn);
      if (std::none_of(lines.begin(), lines.end(), [&](const std::string& l) { return dl.count(l) > 0; })) continue;
      dyn["static"] = true;
      dyn["dynamic"] = true;
      dyn["confidence"] = findings[s].finding["confidence"];
      dyn["static_accesses"] = findings[s].finding["accesses"];
      absorbed[s] = true;
      break;
    }
  }
  std::vector<Merged> out;
  for (size_t i = 0; i < findings.size(); ++i)
    if (!absorbed[i]) out.push_back(std::move(findings[i]));
  return out;
}

}  // namespace

std::string merge_key(const json& f) {
  std::string key = f["kind"].get<std::string>() + "|" + f.value("window", "");
  const std::vector<int> ranks = access_ranks(f);
  const std::vector<size_t> order = canonical_order(f, ranks);
  for (size_t i : order) key += "|" + side_key(f["accesses"][i]);
  // Races: which sides are the same rank (for each side, the first side with
  // its rank). A rank racing with itself needs a flush, two ranks need an
  // order between them: two bugs, even at the same lines.
  const std::string kind = f["kind"];
  const bool race = kind == "rma-conflict" || kind == "target-local-conflict" || kind == "origin-buffer-conflict";
  if (race) key += "|ranks:";
  for (size_t i = 0; race && i < order.size(); ++i) {
    size_t first = i;
    for (size_t k = 0; k < i; ++k)
      if (ranks[order[k]] == ranks[order[i]]) {
        first = k;
        break;
      }
    key += std::to_string(first) + ",";
  }
  if (f.contains("location")) key += "|@" + loc_key(f["location"]);
  return key;
}

json build_report(const Model& model, const Analysis& analysis, const ReportOptions& options) {
  LocationResolver where(model);
  json report;
  report["tool"] = "rmacheck";
  report["format_version"] = 1;
  report["source_root"] = options.source_root.empty() ? working_directory() : options.source_root;
  // rmacheck lint alone has no run: "run" is null and "lint" says what was read.
  const bool lint_only = model.logs.empty() && model.dir.empty() && !analysis.lint.is_null();
  report["run"] = lint_only ? json(nullptr) : run_json(model, where);
  if (!analysis.lint.is_null()) report["lint"] = analysis.lint;

  std::vector<Merged> merged;
  std::map<std::string, size_t> by_key;
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
    if (!f.window.empty()) {
      // Where the window was made: on the rank whose memory the first side touches, if known.
      for (const auto& [id, w] : model.windows) {
        if (w.name != f.window || w.created.empty()) continue;
        const int want = f.accesses.empty() ? -1 : f.accesses[0].target_rank;
        auto c = w.created.find(want);
        j["window_created"] = event_json(model, where, c != w.created.end() ? c->second : w.created.begin()->second);
      }
    }
    json details = f.details;
    if (f.code != kNoCode) details["code"] = code_info(f.code).code;
    if (!details.empty()) j["details"] = details;
    j["count"] = f.count;
    // The occurrences by side ranks: the detector's own tally, or this one.
    std::map<std::vector<int>, int> tuples = f.rank_tuples;
    if (tuples.empty()) tuples[access_ranks(j)] = f.count;
    const std::string key = merge_key(j);
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      it = by_key.emplace(key, merged.size()).first;
      Merged m;
      m.finding = j;
      m.order = canonical_order(j, access_ranks(j));
      merged.push_back(std::move(m));
    } else {
      json& into = merged[it->second].finding;
      into["count"] = into["count"].get<int>() + f.count;
    }
    Merged& m = merged[it->second];
    m.ranks.insert(involved.begin(), involved.end());
    for (const auto& [ranks, count] : tuples) {
      if (ranks.size() != f.accesses.size()) continue;
      const std::vector<size_t> order = canonical_order(j, ranks);
      std::vector<int> canonical;
      for (size_t i : order) canonical.push_back(ranks[i]);
      m.by_side_ranks[canonical] += count;
    }
    if (f.kind == kKind_hang) report["run"]["hang"] = j["details"];
  }

  for (Merged& m : merged) {
    m.finding["ranks"] = std::vector<int>(m.ranks.begin(), m.ranks.end());
    if (m.finding["accesses"].size() >= 2 && !m.finding.value("static", false))
      m.finding["occurrences"] = occurrences_json(m);
  }
  merged = merge_static_into_dynamic(std::move(merged));

  SourceFiles sources;
  const std::string root = report["source_root"];
  int errors = 0, warnings = 0;
  json out = json::array(), suppressed = json::array();
  std::map<const SuppressionRule*, int> rule_hits;
  for (Merged& m : merged) {
    json& f = m.finding;
    json by;
    if (const SuppressionRule* r = options.suppressions ? options.suppressions->match(f, root) : nullptr) {
      by = {{"rule", r->text}, {"file", options.suppressions->path()}, {"line", r->line}};
      ++rule_hits[r];
    } else if (auto in = options.inline_suppressions ? inline_suppression(f, sources) : std::nullopt) {
      by = {{"rule", in->text}, {"file", in->file}, {"line", in->line}, {"inline", true}};
    }
    if (!by.is_null()) {
      f["suppressed_by"] = by;
      suppressed.push_back(f);
      continue;
    }
    (f["severity"] == "error" ? errors : warnings) += 1;
    out.push_back(f);
  }
  report["findings"] = out;
  report["suppressed"] = suppressed;
  if (options.suppressions) {
    json rules = json::array();
    for (const SuppressionRule& r : options.suppressions->rules())
      rules.push_back({{"line", r.line}, {"rule", r.text}, {"matched", rule_hits.count(&r) ? rule_hits[&r] : 0}});
    report["suppressions"] = {{"file", options.suppressions->path()}, {"rules", rules}};
  }
  json notes = analysis.notes;
  if (any_frame_lacks_lines(out) || any_frame_lacks_lines(suppressed)) notes.push_back(kNoLineNote);
  if (!lint_only && !local_accesses_observed(model)) notes.push_back(kLocalAccessNote);
  if (!lint_only && !model.missing_ranks.empty()) notes.push_back(missing_ranks_note(model.missing_ranks));
  if (!lint_only)
    for (const RankLog& log : model.logs)
      if (log.logging_stopped_at)
        notes.push_back("rank " + std::to_string(log.rank) + ": events were lost from offset " +
                        std::to_string(*log.logging_stopped_at) +
                        " of its log on (the log could not grow: disk full); findings that need them are missing");
  report["notes"] = notes;
  report["summary"] = {{"errors", errors}, {"warnings", warnings}, {"suppressed", suppressed.size()}};
  return report;
}

int report_exit_status(const json& report) { return report["summary"]["errors"].get<int>() > 0 ? 1 : 0; }

std::string render_json(const json& report) { return dump_json(report, 2) + "\n"; }

}  // namespace rmacheck
