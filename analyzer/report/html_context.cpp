// What the HTML report shows besides the report document: for each race, a
// timeline of the window's ranks around the two conflicting accesses (their
// MPI calls in time order, the epochs they were in), and the source lines of
// every side. Built from the model, keyed by the finding's position in the
// report, so the renderer itself needs nothing but JSON.
#include <algorithm>
#include <set>

#include "model/epoch_tracker.h"
#include "report/location.h"
#include "report/report.h"
#include "report/source_files.h"

namespace rmacheck {

using nlohmann::json;

namespace {

constexpr size_t kMaxCallsPerRank = 40;  // around the two sides; the rest is elided
constexpr int kContextLines = 2;         // source lines shown before and after a side's line

bool is_race(const std::string& kind) {
  return kind == "rma-conflict" || kind == "target-local-conflict" || kind == "origin-buffer-conflict";
}

// Calls that only describe objects (datatypes, groups, ops) say nothing about ordering.
bool worth_showing(const Event& e) {
  const std::string n = e.name();
  for (const char* p : {"MPI_Type_", "MPI_Group_", "MPI_Op_", "MPI_Comm_group", "MPI_Win_get_group"})
    if (n.rfind(p, 0) == 0) return false;
  return true;
}

struct Side {
  EventRef event;
  std::optional<EventRef> opened, completed, request;
  bool never_completed = false;
};

std::optional<EventRef> ref_of(const json& ev) {
  if (!ev.is_object() || !ev.contains("rank") || !ev.contains("event")) return std::nullopt;
  return EventRef{ev["rank"].get<int>(), ev["event"].get<uint32_t>()};
}

class TimelineBuilder {
 public:
  TimelineBuilder(const Model& model, LocationResolver& where) : model_(model), where_(where), epochs_(model) {}

  json build(const json& f) {
    std::vector<Side> sides;
    for (const json& a : f["accesses"]) {
      if (!a.contains("event")) return nullptr;  // a static finding: places, no events
      Side s;
      s.event = {a["rank"].get<int>(), a["event"].get<uint32_t>()};
      if (a.contains("sync")) {
        s.opened = ref_of(a["sync"].value("opened_by", json()));
        s.completed = ref_of(a["sync"].value("completed_by", json()));
        s.never_completed = a["sync"].contains("completed_by") && a["sync"]["completed_by"].is_null();
      }
      if (a.contains("request")) s.request = ref_of(a["request"]["created_by"]);
      if (!model_.rank_log(s.event.rank)) return nullptr;
      sides.push_back(s);
    }
    if (sides.size() < 2) return nullptr;
    int64_t win = 0;
    std::vector<int> ranks;
    for (const auto& [id, w] : model_.windows)
      if (f.contains("window") && w.name == f["window"]) win = id, ranks = w.members;
    for (const Side& s : sides)
      if (std::find(ranks.begin(), ranks.end(), s.event.rank) == ranks.end()) ranks.push_back(s.event.rank);
    std::sort(ranks.begin(), ranks.end());

    // The time span from the earliest opener (or side) to the latest completion.
    int64_t t0 = INT64_MAX, t1 = INT64_MIN;
    for (const Side& s : sides) {
      t0 = std::min({t0, model_.event(s.event).t_enter, s.opened ? model_.event(*s.opened).t_enter : INT64_MAX,
                     s.request ? model_.event(*s.request).t_enter : INT64_MAX});
      int64_t end = model_.event(s.event).t_exit;
      if (s.completed) end = std::max(end, model_.event(*s.completed).t_exit);
      if (s.never_completed) {
        const RankLog* log = model_.rank_log(s.event.rank);
        end = std::max(end, log->events.back().t_exit);
      }
      t1 = std::max(t1, end);
    }

    json rows = json::array();
    json epochs = json::array();
    std::set<std::pair<int, uint32_t>> marked;
    for (size_t i = 0; i < sides.size(); ++i) marked.insert({sides[i].event.rank, sides[i].event.index});
    for (int r : ranks) {
      const RankLog* log = model_.rank_log(r);
      if (!log) continue;
      std::vector<uint32_t> picked;
      for (uint32_t i = 0; i < log->events.size(); ++i) {
        const Event& e = log->events[i];
        const int64_t exit = e.returned ? e.t_exit : e.t_enter;
        if (exit < t0 || e.t_enter > t1 || !worth_showing(e)) continue;
        EventView v = log->view(e);
        if (win && v.has(kF_win) && v.get_or(kF_win, 0) != win) continue;  // another window
        picked.push_back(i);
      }
      size_t elided = 0;
      if (picked.size() > kMaxCallsPerRank) {
        // Keep the calls nearest the sides on this rank.
        std::vector<uint32_t> keep;
        std::vector<std::pair<int64_t, uint32_t>> by_distance;
        for (uint32_t i : picked) {
          int64_t d = INT64_MAX;
          for (const Side& s : sides)
            for (std::optional<EventRef> e : {std::optional<EventRef>(s.event), s.opened, s.completed, s.request})
              if (e && e->rank == r)
                d = std::min(d, std::abs(static_cast<int64_t>(e->index) - static_cast<int64_t>(i)));
          by_distance.push_back({d, i});
        }
        std::sort(by_distance.begin(), by_distance.end());
        for (size_t k = 0; k < kMaxCallsPerRank; ++k) keep.push_back(by_distance[k].second);
        std::sort(keep.begin(), keep.end());
        elided = picked.size() - keep.size();
        picked = keep;
      }
      for (uint32_t i : picked) rows.push_back(row({r, i}, sides));
      if (elided) rows.push_back({{"rank", r}, {"t", t1}, {"elided", elided}});
      if (win)
        for (size_t k : epochs_.epochs_of(r, win)) {
          const Epoch& ep = epochs_.epochs()[k];
          const int64_t open = model_.event(ep.open).t_enter;
          const int64_t close = ep.close ? model_.event(*ep.close).t_exit : INT64_MAX;
          if (close < t0 || open > t1) continue;
          json e = {{"rank", r},
                    {"kind", epoch_kind_name(ep.kind)},
                    {"t_open", open},
                    {"t_close", ep.close ? json(close) : json(nullptr)},
                    {"open", describe_call(model_, ep.open)}};
          if (ep.kind == EpochKind::kLock) e["target"] = ep.target;
          epochs.push_back(e);
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
      return a["t"].get<int64_t>() != b["t"].get<int64_t>() ? a["t"].get<int64_t>() < b["t"].get<int64_t>()
                                                            : a["rank"].get<int>() < b["rank"].get<int>();
    });
    json t = {{"ranks", ranks}, {"rows", rows}, {"epochs", epochs}};
    if (win) t["window"] = model_.window_name(win);
    return t;
  }

 private:
  json row(EventRef e, const std::vector<Side>& sides) {
    const Event& ev = model_.event(e);
    json r = {{"rank", e.rank}, {"event", e.index}, {"t", ev.t_enter}, {"call", describe_call(model_, e)}};
    std::string role;
    for (size_t i = 0; i < sides.size(); ++i) {
      if (sides[i].event == e) role = "side" + std::to_string(i + 1);
      for (const std::optional<EventRef>& bound : {sides[i].opened, sides[i].completed, sides[i].request})
        if (role.empty() && bound && *bound == e) role = "sync";
    }
    if (!role.empty()) r["role"] = role;
    Frame loc = where_.location(e);
    if (!loc.file.empty()) r["location"] = {{"file", loc.file}, {"line", loc.line}, {"function", loc.function}};
    if (!ev.returned) r["unreturned"] = true;
    return r;
  }

  const Model& model_;
  LocationResolver& where_;
  EpochTracker epochs_;
};

// Source lines around every location the finding shows.
void add_excerpts(const json& f, SourceFiles& files, json& sources) {
  std::vector<const json*> locs;
  for (const json& a : f["accesses"]) {
    for (const json& fr : a["stack"]) locs.push_back(&fr);
    if (a.contains("sync"))
      for (const char* k : {"opened_by", "completed_by"})
        if (a["sync"].contains(k) && a["sync"][k].is_object()) locs.push_back(&a["sync"][k]["location"]);
  }
  if (f.contains("location")) locs.push_back(&f["location"]);
  for (const json* loc : locs) {
    if (!loc->is_object()) continue;
    const std::string file = loc->value("file", "");
    const int line = loc->value("line", 0);
    if (file.empty() || line <= 0 || !files.lines(file)) continue;
    for (int l = std::max(1, line - kContextLines); l <= line + kContextLines; ++l)
      if (const std::string* text = files.line(file, l)) sources[file][std::to_string(l)] = *text;
  }
}

}  // namespace

json build_html_context(const Model& model, const json& report) {
  LocationResolver where(model);
  TimelineBuilder timelines(model, where);
  SourceFiles files;
  json ctx = {{"timelines", json::array()}, {"sources", json::object()}};
  for (const char* list : {"findings", "suppressed"})
    for (const json& f : report.value(list, json::array())) {
      add_excerpts(f, files, ctx["sources"]);
      if (std::string(list) == "findings")
        ctx["timelines"].push_back(is_race(f["kind"].get<std::string>()) ? timelines.build(f) : json(nullptr));
    }
  return ctx;
}

}  // namespace rmacheck
