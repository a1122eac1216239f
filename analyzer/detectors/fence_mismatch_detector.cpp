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

#include "detectors/detector.h"
#include "model/epoch_tracker.h"

namespace rmacheck {

namespace {

bool is_collective(CallId c) {
  switch (c) {
    case kCall_Barrier:
    case kCall_Bcast:
    case kCall_Reduce:
    case kCall_Allreduce:
    case kCall_Gather:
    case kCall_Gatherv:
    case kCall_Scatter:
    case kCall_Scatterv:
    case kCall_Allgather:
    case kCall_Allgatherv:
    case kCall_Alltoall:
    case kCall_Alltoallv:
    case kCall_Alltoallw:
    case kCall_Reduce_scatter:
    case kCall_Reduce_scatter_block:
    case kCall_Scan:
    case kCall_Exscan:
    case kCall_Win_create:
    case kCall_Win_allocate:
    case kCall_Win_allocate_shared:
    case kCall_Win_create_dynamic:
    case kCall_Win_free:
    case kCall_Win_fence:
    case kCall_Comm_dup:
    case kCall_Comm_dup_with_info:
    case kCall_Comm_split:
    case kCall_Comm_split_type:
    case kCall_Comm_create:
    case kCall_Cart_create:
    case kCall_Finalize:
      return true;
    default:
      return false;
  }
}

std::string times(int n) { return n == 1 ? "once" : std::to_string(n) + " times"; }

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
    std::map<int, int> count;  // member -> fences
    for (int r : wm.members)
      if (model.rank_log(r)) count[r] = static_cast<int>(tr.fences(r, wm.id).size());
    if (count.empty()) return;
    int most = 0, least = INT32_MAX;
    for (auto& [r, c] : count) {
      most = std::max(most, c);
      least = std::min(least, c);
    }
    if (most == least) return;

    Finding f;
    f.kind = kKind_fence_mismatch;
    f.window = wm.name;
    std::map<int, std::vector<int>> by_count;  // count -> ranks
    for (auto& [r, c] : count) by_count[c].push_back(r);
    std::vector<int> more, fewer, blocked_fence, blocked_other;
    std::map<std::string, std::vector<int>> instead_calls;  // call name -> ranks that were there instead
    std::map<std::string, std::vector<int>> now_in;         // call name -> ranks blocked there later on
    for (auto& [r, c] : count) {
      const RankLog* log = model.rank_log(r);
      if (c == most) {
        EventRef last = tr.fences(r, wm.id).back();
        more.push_back(r);
        if (!model.event(last).returned) blocked_fence.push_back(r);
        f.accesses.push_back({last, "call", -1, -1, -1,
                              "rank " + std::to_string(r) + "'s " + std::to_string(c) +
                                  (c == 1   ? "st"
                                   : c == 2 ? "nd"
                                   : c == 3 ? "rd"
                                            : "th") +
                                  " and last MPI_Win_fence"});
        continue;
      }
      fewer.push_back(r);
      std::optional<EventRef> where;
      auto freed = wm.freed.find(r);
      if (freed != wm.freed.end() &&
          freed->second.index > (tr.fences(r, wm.id).empty() ? 0 : tr.fences(r, wm.id).back().index)) {
        where = freed->second;
      } else if (!log->events.empty()) {
        EventRef last{r, static_cast<uint32_t>(log->events.size() - 1)};
        const Event& e = model.event(last);
        if ((!e.returned && is_collective(e.call)) || e.call == kCall_Finalize)
          where = last;
        else if (log->finished)
          for (uint32_t i = static_cast<uint32_t>(log->events.size()); i-- > 0;)
            if (log->events[i].call == kCall_Finalize) {
              where = EventRef{r, i};
              break;
            }
      }
      if (!where) {
        out.notes.push_back("window '" + wm.name + "': rank " + std::to_string(r) + " called MPI_Win_fence " +
                            times(c) + " and others " + times(most) + ", but rank " + std::to_string(r) +
                            " stopped before it could catch up: not reported as a fence mismatch");
        return;
      }
      const Event& we = model.event(*where);
      if (!we.returned) blocked_other.push_back(r);
      const uint32_t last_index = static_cast<uint32_t>(log->events.size() - 1);
      if (model.meta.timed_out && where->index != last_index && !log->events[last_index].returned)
        now_in[log->events[last_index].name()].push_back(r);
      instead_calls[we.name()].push_back(r);
      f.accesses.push_back({*where, "call", -1, -1, -1,
                            "rank " + std::to_string(r) +
                                (c == 0 ? " never called MPI_Win_fence" : " called MPI_Win_fence only " + times(c)) +
                                " and was here instead"});
    }

    std::string counts;
    for (auto it = by_count.rbegin(); it != by_count.rend(); ++it)
      counts += (counts.empty() ? "" : ", ") + rank_list(it->second) + " " + times(it->first);
    std::string instead;
    for (auto& [call, ranks] : instead_calls)
      instead += (instead.empty() ? "" : ", ") + rank_list(ranks) + " in " + call;
    for (auto& [call, ranks] : now_in) instead += ", then " + rank_list(ranks) + " blocked in " + call;
    std::string msg = "MPI_Win_fence is collective over window '" + wm.name +
                      "', but its members called it different "
                      "numbers of times: " +
                      counts + " (instead of the missing fences: " + instead + ")";
    const bool hung = model.meta.timed_out && (!blocked_fence.empty() || !blocked_other.empty());
    if (hung) {
      msg += "; this is why the run hung: ";
      std::string parts;
      if (!blocked_fence.empty())
        parts += rank_list(blocked_fence) + " wait in MPI_Win_fence for " + rank_list(fewer) + ", which never call it";
      if (!blocked_other.empty()) {
        std::string calls;
        for (auto& [call, ranks] : instead_calls)
          for (int r : ranks)
            if (std::find(blocked_other.begin(), blocked_other.end(), r) != blocked_other.end()) {
              calls += (calls.empty() ? "" : "/") + call;
              break;
            }
        parts += (parts.empty() ? "" : ", and ") + rank_list(blocked_other) + " wait in " + calls + " for " +
                 rank_list(more) + ", which are still in a fence";
      }
      msg += parts;
    } else {
      msg += "; fences that do not pair up make ranks wait forever or close the wrong epochs";
    }
    msg += " (every member must call MPI_Win_fence the same number of times)";
    f.message = msg;
    nlohmann::json jc = nlohmann::json::array();
    for (auto& [r, c] : count) jc.push_back({{"rank", r}, {"fences", c}});
    f.details = {{"fence_counts", jc}, {"explains_hang", hung}};
    out.findings.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Detector> make_fence_mismatch_detector() { return std::make_unique<FenceMismatchDetector>(); }

}  // namespace rmacheck
