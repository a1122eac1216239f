// What the program's own loads and stores say beyond races (those are the
// race detector's): MPI_MODE_NOSTORE broken by a store (assert-violation,
// rma-semantics.md section 7), and the notes a reader of an instrumented
// run needs: which modules were instrumented (and which of the program's
// were not, so their accesses went unseen), and windows in the separate
// memory model, checked under the unified model's rules.
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "call_traits.h"
#include "detectors/detector.h"
#include "model/local_accesses.h"
#include "system_modules.h"

namespace rmacheck {

namespace {

// RMA synchronization: the end of the stores a NOSTORE assertion speaks of.
bool synchronizes(CallId c) { return call_traits(c).family == CallFamily::kSync; }

// Libraries of the system (the loader, MPI's plugins, anything under /usr or /lib) and rmacheck's own
// are not the program's code: only the program's modules are worth a "not seen" note.
bool installed_by_system(const std::string& path) {
  return path.rfind("/usr/", 0) == 0 || path.rfind("/lib", 0) == 0 || path.find("librmacheck") != std::string::npos ||
         path.find("linux-vdso") != std::string::npos;
}

class LocalAccessDetector : public Detector {
 public:
  const char* name() const override { return "local-access"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    for (const RankLog& log : model.logs) nostore(model, log, out);
    notes(model, out);
  }

 private:
  // A store into this rank's own window memory since the window's last
  // synchronization breaks a Win_fence or Win_post that asserts MPI_MODE_NOSTORE.
  static void nostore(const Model& model, const RankLog& log, Analysis& out) {
    if (log.instrumented.empty() && log.guard.empty()) return;
    const LocalAccessMapper map(model, log);
    std::map<int64_t, uint32_t> first_store;  // window id -> first store since its last synchronization
    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const Event& e = log.events[i];
      if (e.call == kCall_Local_store) {
        EventView v = log.view(e);
        const int64_t lo = v.get_or(kF_addr, 0), hi = lo + v.get_or(kF_size, 0);
        for (const auto& r : map.regions())
          if (r.owner == log.rank && i > r.from && i < r.until && lo < r.hi && r.lo < hi)
            first_store.emplace(r.window, i);
        continue;
      }
      if (!synchronizes(e.call)) continue;
      EventView v = log.view(e);
      const int64_t win = v.get_or(kF_win, 0);
      auto it = first_store.find(win);
      if ((e.call == kCall_Win_fence || e.call == kCall_Win_post) && (v.get_or(kF_assert, 0) & kModeNoStore) &&
          it != first_store.end()) {
        Finding f = coded_finding(kCode_nostore_with_store);
        f.window = model.window_name(win);
        std::ostringstream m;
        m << e.name() << "(MPI_MODE_NOSTORE) on rank " << log.rank << " promises that rank " << log.rank
          << " did not store to window '" << f.window
          << "' since its last synchronization, but a store did (drop MPI_MODE_NOSTORE or move the store)";
        f.message = m.str();
        Access sync;
        sync.event = {log.rank, i};
        sync.access = "call";
        sync.note = "asserting MPI_MODE_NOSTORE";
        Access store;
        store.event = {log.rank, it->second};
        store.access = "write";
        store.target_rank = log.rank;
        f.accesses = {sync, store};
        out.findings.push_back(f);
      }
      if (it != first_store.end()) first_store.erase(it);
    }
  }

  // key=value lines of a rank's guard records (the last value of a key wins).
  static std::map<std::string, std::string> guard_settings(const std::string& text) {
    std::map<std::string, std::string> kv;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      const size_t eq = line.find('=');
      if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return kv;
  }

  // Guarded pages: how the accesses were seen, what MPI was set to for it, and where the fault budget
  // left pages open (their accesses were recorded widened to the pages' watched bytes).
  static void guard_notes(const Model& model, Analysis& out) {
    std::map<std::string, std::set<int>> settings;
    std::set<int> ranks, uncounted;  // uncounted: no summary (written at MPI_Finalize) in the log
    long opened = 0, faults = 0;
    std::string budget;
    for (const RankLog& log : model.logs) {
      if (log.guard.empty()) continue;
      ranks.insert(log.rank);
      auto kv = guard_settings(log.guard);
      budget = kv["fault_budget"];
      std::string s = "Open MPI set to " + kv["openmpi"] + " (single-copy transfers cannot enter protected pages)";
      if (!kv["thread_level"].empty()) s += ", " + kv["thread_level"];
      settings[s].insert(log.rank);
      if (kv["python_lines"] == "no")
        settings["no Python file:line for accesses (frame reader not built for this interpreter)"].insert(log.rank);
      opened += std::atol(kv["opened_after_budget"].c_str());
      if (kv.count("faults"))
        faults += std::atol(kv["faults"].c_str());
      else
        uncounted.insert(log.rank);
    }
    if (ranks.empty()) return;
    auto list = [](const std::set<int>& s) {
      std::string r;
      for (int x : s) r += (r.empty() ? "" : ",") + std::to_string(x);
      return r;
    };
    std::string counted = std::to_string(faults) + " faults";
    if (uncounted.size() == ranks.size())
      counted = "fault counts unknown (no rank reached MPI_Finalize, where they are logged)";
    else if (!uncounted.empty())
      counted += std::string(" (not counting rank") + (uncounted.size() > 1 ? "s " : " ") + list(uncounted) +
                 ", which did not reach MPI_Finalize)";
    out.notes.push_back("loads and stores seen through guarded pages (--guard-memory), ranks " + list(ranks) + ": " +
                        counted);
    for (const auto& [s, rs] : settings) out.notes.push_back("guarded pages: " + s + " (ranks " + list(rs) + ")");
    if (opened > 0)
      out.notes.push_back("guarded pages: " + std::to_string(opened) + " times a page took " + budget +
                          " faults of one kind between two MPI calls and was left open for the rest of that interval; "
                          "its watched bytes were then counted as accessed (\"widened\"; RMACHECK_GUARD_FAULTS raises "
                          "the budget)");
  }

  static void notes(const Model& model, Analysis& out) {
    guard_notes(model, out);
    std::map<std::string, std::set<int>> instrumented, missed;
    for (const RankLog& log : model.logs) {
      if (log.instrumented.empty()) continue;
      const std::set<std::string> seen(log.instrumented.begin(), log.instrumented.end());
      for (const std::string& m : seen) instrumented[m].insert(log.rank);
      for (const ModuleMapping& m : log.modules)
        if (!is_system_module(m.path) && !seen.count(m.path) && !installed_by_system(m.path))
          missed[m.path].insert(log.rank);
    }
    auto ranks = [](const std::set<int>& s) {
      std::string r;
      for (int x : s) r += (r.empty() ? "" : ",") + std::to_string(x);
      return r;
    };
    for (const auto& [m, rs] : instrumented)
      out.notes.push_back("loads and stores checked in " + m + " (instrumented, ranks " + ranks(rs) + ")");
    for (const auto& [m, rs] : missed)
      out.notes.push_back("loads and stores not seen in " + m + " (not built with rmacheck mpicc, ranks " + ranks(rs) +
                          ")");
    if (instrumented.empty()) return;
    for (const RankLog& log : model.logs)
      for (const Event& e : log.events) {
        if (e.call != kCall_Win_create && e.call != kCall_Win_allocate && e.call != kCall_Win_allocate_shared &&
            e.call != kCall_Win_create_dynamic)
          continue;
        EventView v = log.view(e);
        if (v.get_or(kF_win_model, 1) != 2 || log.rank != model.logs.front().rank) continue;
        out.notes.push_back("window '" + model.window_name(v.get_or(kF_new_win, 0)) +
                            "' uses the separate memory model (MPI_WIN_SEPARATE); its local accesses were checked "
                            "under the unified model's rules, which are weaker: public and private copies need "
                            "MPI_Win_sync or a synchronization call besides");
      }
  }
};

}  // namespace

std::unique_ptr<Detector> make_local_access_detector() { return std::make_unique<LocalAccessDetector>(); }

}  // namespace rmacheck
