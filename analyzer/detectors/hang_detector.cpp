// `hang`: the run was stopped by --timeout. One finding naming every rank
// that was inside an MPI call when it was stopped (the calls whose entry
// was logged and whose exit never was), and the ranks that were not; then
// the point-to-point operations still pending (blocking sends and receives
// that never returned, nonblocking and persistent requests active at the
// end), with peer, tag and communicator: a send and a receive that were
// meant to pair but differ in tag or communicator show up side by side.
#include <sstream>

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/wording.h"

namespace rmacheck {

namespace {

std::string peer_words(int64_t logged) {
  if (logged == kRankAny) return "any source";
  if (logged == kRankProcNull) return "MPI_PROC_NULL";
  if (is_invalid_rank(logged)) return "invalid rank " + std::to_string(invalid_rank_as_given(logged));
  return "rank " + std::to_string(logged);
}

std::string comm_words(const Model& model, int64_t comm) {
  if (comm == 1) return "MPI_COMM_WORLD";
  auto it = model.comms.find(comm);
  if (it == model.comms.end()) return "communicator #" + std::to_string(comm);
  std::vector<int> members(it->second.members.begin(), it->second.members.end());
  return "the communicator of world " + rank_list(members);
}

// "rank 0 MPI_Send to rank 1 (tag 4, MPI_COMM_WORLD)" for one send or receive `e` describes.
void describe_p2p(const Model& model, EventRef e, bool send, nlohmann::json& pending, std::string& words) {
  const EventView v = model.view(e);
  const int64_t peer = v.get_or(send ? kF_peer : kF_recv_peer, kRankProcNull);
  const int64_t tag = v.get_or(send ? kF_tag : kF_recv_tag, 0);
  const int64_t comm = v.get_or(kF_comm, 0);
  const std::string tag_words = tag == kTagAny ? "any tag" : "tag " + std::to_string(tag);
  if (!words.empty()) words += "; ";
  words += "rank " + std::to_string(e.rank) + " " + model.event(e).name() + (send ? " to " : " from ") +
           peer_words(peer) + " (" + tag_words + ", " + comm_words(model, comm) + ")";
  pending.push_back({{"rank", e.rank},
                     {"call", model.event(e).name()},
                     {"direction", send ? "send" : "receive"},
                     {"peer", peer},
                     {"tag", tag},
                     {"comm", comm}});
}

std::string pending_p2p(const Model& model, const RequestTracker& requests, nlohmann::json& pending) {
  std::string words;
  for (const RankLog& log : model.logs) {
    if (log.finished) continue;
    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const Event& e = log.events[i];
      const CallTraits& t = call_traits(e.call);
      if (e.returned || t.family != CallFamily::kP2p || t.completion != Completion::kBlocking) continue;
      if (t.sends()) describe_p2p(model, {log.rank, i}, true, pending, words);
      if (t.receives()) describe_p2p(model, {log.rank, i}, false, pending, words);
    }
    const RankRequests* rr = requests.rank(log.rank);
    if (!rr) continue;
    for (const RequestRecord& r : rr->requests) {
      if (!r.is_active() || r.lost) continue;
      const CallTraits& t = call_traits(model.event(r.created).call);
      if (t.family != CallFamily::kP2p) continue;
      if (t.sends()) describe_p2p(model, r.created, true, pending, words);
      if (t.receives()) describe_p2p(model, r.created, false, pending, words);
    }
  }
  return words;
}

class HangDetector : public Detector {
 public:
  const char* name() const override { return "hang"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    if (!model.meta.timed_out) return;
    Finding f;
    f.kind = kKind_hang;
    nlohmann::json blocked = nlohmann::json::array();
    std::vector<int> running, finished, missing, stopped, in_rmacheck;
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
        calls << (inside || blocked.size() == 1 ? "" : ", ") << (inside ? "" : "rank " + std::to_string(r) + " in ")
              << e.name() << on_window(model, *log, i);
        inside = true;
        break;  // one blocking call per rank is what the user needs to see
      }
      if (!inside) {
        // Where the stop signal found it (the interposer's stop note), when it was outside MPI.
        const auto note = log->stop_note();
        if (note && log->stopped_in_rmacheck(*note)) {
          f.accesses.push_back({{r, *note}, "stopped in rmacheck", -1, -1, -1, ""});
          in_rmacheck.push_back(r);
          continue;
        }
        running.push_back(r);
        if (note) {
          f.accesses.push_back({{r, *note}, "stopped here", -1, -1, -1, ""});
          stopped.push_back(r);
        }
      }
    }
    std::ostringstream msg;
    msg << "the run was stopped after " << model.meta.timeout_s << " s";
    if (!blocked.empty()) msg << " with ranks blocked in MPI calls: " << calls.str();
    if (!running.empty()) {
      msg << "; " << rank_list(running) << " not inside an MPI call (computing, or waiting outside MPI";
      msg << (stopped.empty()                    ? ")"
              : stopped.size() == running.size() ? "; where: below)"
                                                 : "; where, for " + rank_list(stopped) + ": below)");
    }
    if (!in_rmacheck.empty())
      msg << "; " << rank_list(in_rmacheck)
          << " stopped inside rmacheck's own code, not the program's (a defect of rmacheck: please report it; "
             "the program's own state there is unknown)";
    if (!finished.empty()) msg << "; " << rank_list(finished) << " had finished";
    if (!missing.empty()) msg << "; no log from " << rank_list(missing);
    nlohmann::json pending = nlohmann::json::array();
    const std::string words = pending_p2p(model, ctx.requests(), pending);
    if (!words.empty()) msg << "; pending point-to-point operations, never completed: " << words;
    f.message = msg.str();
    f.details = {{"timeout_s", model.meta.timeout_s}, {"blocked", blocked}, {"pending", pending}};
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
