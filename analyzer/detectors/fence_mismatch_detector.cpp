// `fence-mismatch`: MPI_Win_fence is collective over the window's group, so
// every member must call it equally often. For each window, the fences of
// every member (including one it entered and never left) are counted; when
// the counts differ, the finding names the count of every rank, points at
// the last fence of each rank that called it most often and at the call
// where each rank that called it less often was instead (its MPI_Win_free on
// that window, the collective it is blocked in, or MPI_Finalize), and says
// whether this is why the run hung.
//
// To stay conservative, a rank with fewer fences must demonstrably have
// moved on without them (reached Win_free of the window, Finalize, or is
// blocked in another collective call); a rank that merely stopped earlier
// (crash, blocked in a receive) does not make a mismatch: a note says so.
#include <algorithm>
#include <set>

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/wording.h"
#include "model/epoch_tracker.h"

namespace rmacheck {

namespace {

std::string times(int n) { return n == 1 ? "once" : std::to_string(n) + " times"; }

// Who called the fences of one window how often, and where the ranks that
// called fewer were instead.
struct Tally {
  std::map<int, int> count;  // member -> fences
  int most = 0;
  std::vector<int> more, fewer, blocked_fence, blocked_other;
  std::map<std::string, std::vector<int>> instead_calls;  // call name -> ranks that were there instead
  std::map<std::string, std::vector<int>> now_in;         // call name -> ranks blocked there later on
  std::vector<Access> sides;
};

class FenceMismatchDetector : public Detector {
 public:
  const char* name() const override { return "fence-mismatch"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    const EpochTracker& tr = ctx.epochs();
    for (const auto& [id, wm] : model.windows) check(model, tr, wm, out);
  }

 private:
  void check(const Model& model, const EpochTracker& tr, const WindowModel& wm, Analysis& out) {
    Tally t;
    for (int r : wm.members)
      if (model.rank_log(r)) t.count[r] = static_cast<int>(tr.fences(r, wm.id).size());
    if (t.count.empty()) return;
    int least = INT32_MAX;
    for (auto& [r, c] : t.count) {
      t.most = std::max(t.most, c);
      least = std::min(least, c);
    }
    if (t.most == least) return;

    for (auto& [r, c] : t.count) {
      if (c == t.most) {
        add_last_fence(model, tr, wm, r, t);
        continue;
      }
      const std::optional<EventRef> where = instead(model, tr, wm, r);
      if (!where) {
        out.notes.push_back("window '" + wm.name + "': rank " + std::to_string(r) + " called MPI_Win_fence " +
                            times(c) + " and others " + times(t.most) + ", but rank " + std::to_string(r) +
                            " stopped before it could catch up: not reported as a fence mismatch");
        return;
      }
      add_instead(model, *where, r, c, t);
    }

    Finding f;
    f.kind = kKind_fence_mismatch;
    f.window = wm.name;
    f.accesses = std::move(t.sides);
    const bool hung = model.meta.timed_out && (!t.blocked_fence.empty() || !t.blocked_other.empty());
    f.message = message(wm, t, hung);
    nlohmann::json jc = nlohmann::json::array();
    for (auto& [r, c] : t.count) jc.push_back({{"rank", r}, {"fences", c}});
    f.details = {{"fence_counts", jc}, {"explains_hang", hung}};
    out.findings.push_back(std::move(f));
  }

  // A rank that called the fence most often: its last fence.
  static void add_last_fence(const Model& model, const EpochTracker& tr, const WindowModel& wm, int r, Tally& t) {
    EventRef last = tr.fences(r, wm.id).back();
    t.more.push_back(r);
    if (!model.event(last).returned) t.blocked_fence.push_back(r);
    t.sides.push_back(
        call_access(last, "rank " + std::to_string(r) + "'s " + ordinal(t.count[r]) + " and last MPI_Win_fence"));
  }

  // Where a rank with fewer fences demonstrably went on without them: its
  // Win_free of the window, a collective it is blocked in, or Finalize.
  static std::optional<EventRef> instead(const Model& model, const EpochTracker& tr, const WindowModel& wm, int r) {
    const RankLog* log = model.rank_log(r);
    auto freed = wm.freed.find(r);
    if (freed != wm.freed.end() &&
        freed->second.index > (tr.fences(r, wm.id).empty() ? 0 : tr.fences(r, wm.id).back().index))
      return freed->second;
    if (log->events.empty()) return std::nullopt;
    EventRef last{r, static_cast<uint32_t>(log->events.size() - 1)};
    const Event& e = model.event(last);
    const CallTraits& traits = call_traits(e.call);
    if ((!e.returned && traits.waits_for_partners()) || traits.role == CallRole::kFinalize) return last;
    if (log->finished)
      for (uint32_t i = static_cast<uint32_t>(log->events.size()); i-- > 0;)
        if (call_traits(log->events[i].call).role == CallRole::kFinalize) return EventRef{r, i};
    return std::nullopt;
  }

  static void add_instead(const Model& model, EventRef where, int r, int c, Tally& t) {
    const RankLog* log = model.rank_log(r);
    t.fewer.push_back(r);
    const Event& we = model.event(where);
    if (!we.returned) t.blocked_other.push_back(r);
    const uint32_t last_index = static_cast<uint32_t>(log->events.size() - 1);
    if (model.meta.timed_out && where.index != last_index && !log->events[last_index].returned)
      t.now_in[log->events[last_index].name()].push_back(r);
    t.instead_calls[we.name()].push_back(r);
    t.sides.push_back(
        call_access(where, "rank " + std::to_string(r) +
                               (c == 0 ? " never called MPI_Win_fence" : " called MPI_Win_fence only " + times(c)) +
                               " and was here instead"));
  }

  static std::string message(const WindowModel& wm, const Tally& t, bool hung) {
    std::map<int, std::vector<int>> by_count;  // count -> ranks
    for (auto& [r, c] : t.count) by_count[c].push_back(r);
    std::string counts;
    for (auto it = by_count.rbegin(); it != by_count.rend(); ++it)
      counts += (counts.empty() ? "" : ", ") + rank_list(it->second) + " " + times(it->first);
    std::string instead;
    for (auto& [call, ranks] : t.instead_calls)
      instead += (instead.empty() ? "" : ", ") + rank_list(ranks) + " in " + call;
    for (auto& [call, ranks] : t.now_in) instead += ", then " + rank_list(ranks) + " blocked in " + call;
    std::string msg = "MPI_Win_fence is collective over window '" + wm.name +
                      "', but its members called it different "
                      "numbers of times: " +
                      counts + " (instead of the missing fences: " + instead + ")";
    if (hung)
      msg += "; this is why the run hung: " + why_hung(t);
    else
      msg += "; fences that do not pair up make ranks wait forever or close the wrong epochs";
    return msg + " (every member must call MPI_Win_fence the same number of times)";
  }

  static std::string why_hung(const Tally& t) {
    std::string parts;
    if (!t.blocked_fence.empty())
      parts +=
          rank_list(t.blocked_fence) + " wait in MPI_Win_fence for " + rank_list(t.fewer) + ", which never call it";
    if (!t.blocked_other.empty()) {
      std::string calls;
      for (auto& [call, ranks] : t.instead_calls)
        for (int r : ranks)
          if (std::find(t.blocked_other.begin(), t.blocked_other.end(), r) != t.blocked_other.end()) {
            calls += (calls.empty() ? "" : "/") + call;
            break;
          }
      parts += (parts.empty() ? "" : ", and ") + rank_list(t.blocked_other) + " wait in " + calls + " for " +
               rank_list(t.more) + ", which are still in a fence";
    }
    return parts;
  }
};

}  // namespace

std::unique_ptr<Detector> make_fence_mismatch_detector() { return std::make_unique<FenceMismatchDetector>(); }

}  // namespace rmacheck
