// `hang`: the run was stopped by --timeout. One finding naming every rank
// that was inside an MPI call when it was stopped (the calls whose entry
// was logged and whose exit never was), and the ranks that were not.
#include <sstream>

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/wording.h"

namespace rmacheck {

namespace {

class HangDetector : public Detector {
 public:
  const char* name() const override { return "hang"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    if (!model.meta.timed_out) return;
    Finding f;
    f.kind = kKind_hang;
    nlohmann::json blocked = nlohmann::json::array();
    std::vector<int> running, finished, missing;
    std::ostringstream calls;
    for (int r = 0; r < model.world_size; ++r) {
      const RankLog* log = model.rank_log(r);
      if (!log) {
        missing.push_back(r);
        continue;
      }
      if (log->finished) {
        finished.push_back(r);
        continue;
      }
      bool inside = false;
      // The innermost unreturned call of each thread; with one thread, the last event.
      for (uint32_t i = static_cast<uint32_t>(log->events.size()); i-- > 0;) {
        const Event& e = log->events[i];
        if (e.returned) continue;
        f.accesses.push_back({{r, i}, "blocked", -1, -1, -1, ""});
        blocked.push_back({{"rank", r}, {"call", e.name()}});
        calls << (inside || f.accesses.size() == 1 ? "" : ", ") << (inside ? "" : "rank " + std::to_string(r) + " in ")
              << e.name() << on_window(model, *log, i);
        inside = true;
        break;  // one blocking call per rank is what the user needs to see
      }
      if (!inside) running.push_back(r);
    }
    std::ostringstream msg;
    msg << "the run was stopped after " << model.meta.timeout_s << " s";
    if (!f.accesses.empty()) msg << " with ranks blocked in MPI calls: " << calls.str();
    if (!running.empty())
      msg << "; " << rank_list(running) << " not inside an MPI call (computing, or waiting outside MPI)";
    if (!finished.empty()) msg << "; " << rank_list(finished) << " had finished";
    if (!missing.empty()) msg << "; no log from " << rank_list(missing);
    f.message = msg.str();
    f.details = {{"timeout_s", model.meta.timeout_s}, {"blocked", blocked}};
    out.findings.push_back(std::move(f));
  }

 private:
  // " (its 2nd on win#0)" for a fence, " on win#0" for other calls on a window.
  static std::string on_window(const Model& model, const RankLog& log, uint32_t index) {
    const Event& e = log.events[index];
    auto w = log.view(e).get(kF_win);
    if (!w || *w == 0) return "";  // (window creation logs new_win, not win)
    auto is_fence = [](const Event& x) { return call_traits(x.call).role == CallRole::kFence; };
    if (!is_fence(e)) return " on " + model.window_name(*w);
    int k = 0;
    for (uint32_t j = 0; j <= index; ++j)
      if (is_fence(log.events[j]) && log.view(log.events[j]).get_or(kF_win, 0) == *w) ++k;
    return " (its " + ordinal(k) + " on " + model.window_name(*w) + ")";
  }
};

}  // namespace

std::unique_ptr<Detector> make_hang_detector() { return std::make_unique<HangDetector>(); }

}  // namespace rmacheck
