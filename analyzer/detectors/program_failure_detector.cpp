// `mpi-error` and `program-failed`: a run whose program failed is never
// clean (contract.md).
//
// mpi-error: a call whose exit record carries a non-zero return code (under
// MPI_ERRORS_RETURN, which mpi4py uses), or a call inside which the MPI
// library aborted the job (MPI_ERRORS_ARE_FATAL: the log holds only the
// entry record; the error class and string come from the error block Open
// MPI printed, which `rmacheck run` kept in run.json).
//
// program-failed: ranks that died by a signal (from mpirun's output, or the
// SIGNAL record the interposer's handler wrote), exited non-zero, called
// MPI_Abort, were aborted by the library, or never reached MPI_Finalize;
// the ranks whose own failure is known are named first, with the last MPI
// call of each. A job stopped by --timeout is the hang detector's: only a
// failure of its own before the stop is reported here. A job stopped by an
// interruption (Ctrl-C) is reported here, as that: the ranks never finished.
#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "detectors/detector.h"
#include "detectors/wording.h"

namespace rmacheck {

namespace {

// What is known of one rank's own failure.
struct RankFailure {
  std::string what;  // "died by signal 11 (Segmentation fault)", "called MPI_Abort (errorcode 42)", ...
  bool own = false;  // the rank failed by itself (not stopped because another rank failed)
};

class ProgramFailureDetector : public Detector {
 public:
  const char* name() const override { return "program-failure"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    const Mpi4pyFilter& mpi4py = ctx.mpi4py();
    report_error_returns(model, mpi4py, out);
    std::map<int, std::string> library_aborted = report_library_aborts(model, out);
    report_failed_ranks(model, mpi4py, library_aborted, out);
  }

 private:
  static void report_error_returns(const Model& model, const Mpi4pyFilter& mpi4py, Analysis& out) {
    for (const RankLog& log : model.logs) {
      for (uint32_t i = 0; i < log.events.size(); ++i) {
        const Event& e = log.events[i];
        if (!e.returned || e.rc == 0 || mpi4py.internal({log.rank, i})) continue;
        const EventView v = log.view(e);
        std::string text;
        if (auto s = v.get(kF_error_string)) text = log.string(*s);
        Finding f;
        f.kind = kKind_mpi_error;
        f.message =
            std::string(e.name()) + " returned an error: " +
            (text.empty() ? "error code " + std::to_string(e.rc) : text + " (error code " + std::to_string(e.rc) + ")");
        f.accesses.push_back({{log.rank, i}, "call", -1, -1, -1, "returned error code " + std::to_string(e.rc)});
        f.details = {{"error_code", e.rc}, {"error_string", text}};
        out.findings.push_back(std::move(f));
      }
    }
  }

  // The call of rank r that the library aborted in: its last unreturned call of that name.
  static std::optional<EventRef> aborted_call(const Model& model, int rank, const std::string& call) {
    const RankLog* log = model.rank_log(rank);
    if (!log) return std::nullopt;
    for (uint32_t i = static_cast<uint32_t>(log->events.size()); i-- > 0;) {
      const Event& e = log->events[i];
      if (!e.returned && e.name() == call) return EventRef{rank, i};
    }
    return std::nullopt;
  }

  // The call a rank's thread was inside when the process called _exit (the interposer's EXIT note).
  static std::optional<EventRef> exit_call(const RankLog& log) {
    if (!log.exit_status || !log.exit_in_call || log.finished) return std::nullopt;
    for (uint32_t i = static_cast<uint32_t>(log.events.size()); i-- > 0;) {
      const Event& e = log.events[i];
      if (log.thread(e) == log.exit_thread && !e.returned) return EventRef{log.rank, i};
    }
    return std::nullopt;
  }

  // Returns rank -> the error the library aborted it with.
  static std::map<int, std::string> report_library_aborts(const Model& model, Analysis& out) {
    std::map<int, std::string> ranks;
    std::set<std::pair<int, std::string>> seen;
    // A rank that called _exit from inside an MPI call: the library ended it. Open MPI's
    // error block says why, but it does not always reach mpirun's output before the job is gone.
    std::vector<LibraryAbort> aborts = model.meta.launcher.library_aborts;
    for (const RankLog& log : model.logs) {
      auto ref = exit_call(log);
      if (!ref || model.event(*ref).call == kCall_Abort) continue;
      bool told = false;
      for (const LibraryAbort& a : aborts) told = told || a.rank == log.rank;
      if (told) continue;
      // The exit status is the error code; the log has the library's text for it.
      auto text = log.error_strings.find(*log.exit_status);
      std::string error_class = "MPI error code " + std::to_string(*log.exit_status), error_string;
      if (text != log.error_strings.end() && !text->second.empty()) {
        const size_t colon = text->second.find(": ");
        error_class = colon == std::string::npos ? text->second : text->second.substr(0, colon);
        error_string = colon == std::string::npos ? "" : text->second.substr(colon + 2);
      }
      aborts.push_back({log.rank, model.event(*ref).name(), error_class, error_string});
    }
    for (const LibraryAbort& a : aborts) {
      if (!seen.insert({a.rank, a.call}).second) continue;
      Finding f;
      f.kind = kKind_mpi_error;
      std::string error = a.error_class.empty() ? "an MPI error" : a.error_class;
      if (!a.error_string.empty()) error += ": " + a.error_string;
      if (a.rank >= 0) ranks.emplace(a.rank, error);
      std::string who = a.rank >= 0 ? " on rank " + std::to_string(a.rank) : "";
      f.message = "the MPI library aborted the job inside " + a.call + who + ": " + error;
      if (auto ref = aborted_call(model, a.rank, a.call)) {
        f.accesses.push_back({*ref, "call", -1, -1, -1, "the library aborted here"});
      } else {
        const RankLog* log = model.rank_log(a.rank);
        f.message += " (" + a.call + " is not in " + (log ? "rank " + std::to_string(a.rank) + "'s log" : "any log") +
                     ": the library failed in a call it made itself)";
        if (log && !log->events.empty()) f.where = EventRef{a.rank, static_cast<uint32_t>(log->events.size() - 1)};
      }
      f.details = {{"call", a.call}, {"error_class", a.error_class}, {"error_string", a.error_string}};
      if (a.rank >= 0) f.details["rank"] = a.rank;
      out.findings.push_back(std::move(f));
    }
    return ranks;
  }

  // The call a failed rank is best described by: its last one, or for an
  // mpi4py rank whose last call was mpi4py's own (its MPI_Abort on an
  // uncaught exception) the last call the script made.
  static std::optional<EventRef> last_call(const Model& model, const Mpi4pyFilter& mpi4py, int rank) {
    const RankLog* log = model.rank_log(rank);
    if (!log || log->events.empty()) return std::nullopt;
    for (uint32_t i = static_cast<uint32_t>(log->events.size()); i-- > 0;)
      if (!mpi4py.internal({rank, i}) && is_mpi_call(log->events[i].call)) return EventRef{rank, i};
    return EventRef{rank, static_cast<uint32_t>(log->events.size() - 1)};
  }

  static std::string signal_words(int sig, const std::string& name) {
    std::string s = "died by signal " + std::to_string(sig);
    const std::string abbrev = signal_name(sig);
    if (!name.empty())
      s += " (" + name + ")";
    else if (abbrev.rfind("SIG", 0) == 0)
      s += " (" + abbrev + ")";
    return s;
  }

  static void report_failed_ranks(const Model& model, const Mpi4pyFilter& mpi4py,
                                  const std::map<int, std::string>& library_aborted, Analysis& out) {
    const RunMeta& meta = model.meta;
    std::map<int, RankFailure> failures;
    for (const RankExit& x : meta.launcher.rank_exits) {
      if (x.rank < 0) continue;
      // Signals rmacheck itself sent to stop the job are not the program's failure.
      if (meta.stopped() && (x.signal == SIGTERM || x.signal == SIGKILL || x.signal == SIGINT || x.signal == SIGHUP))
        continue;
      RankFailure& rf = failures[x.rank];
      if (!rf.what.empty()) continue;
      rf.own = true;
      rf.what = x.signal ? signal_words(x.signal, x.signal_name) : "exited with status " + std::to_string(x.exit_code);
    }
    for (const auto& [r, error] : library_aborted) {
      RankFailure& rf = failures[r];
      if (rf.what.empty()) rf.what = "was aborted by the MPI library (" + error + ")", rf.own = true;
    }
    std::vector<int> unfinished, no_log;
    for (int r = 0; r < model.world_size; ++r) {
      const RankLog* log = model.rank_log(r);
      if (!log) {
        no_log.push_back(r);
        continue;
      }
      // The interposer's note of a fatal signal: the only word on the plain route and on remote nodes.
      if (log->fatal_signal && !log->finished && !failures.count(r))
        failures[r] = {signal_words(log->fatal_signal, ""), true};
      const bool aborted = !log->events.empty() && log->events.back().call == kCall_Abort;
      if (aborted) {
        RankFailure& rf = failures[r];
        const EventRef abort{r, static_cast<uint32_t>(log->events.size() - 1)};
        rf.own = true;
        rf.what = "called MPI_Abort (errorcode " + std::to_string(model.view(abort).get_or(kF_error_code, 0)) + ")";
        if (mpi4py.internal(abort)) rf.what += " through mpi4py, on an uncaught Python exception,";
      }
      // A log whose writer ran out of disk says nothing of how the rank ended (the report notes the loss).
      if (!log->finished && !log->logging_stopped_at) unfinished.push_back(r);
    }
    std::vector<int> own, stopped;
    for (const auto& [r, rf] : failures)
      if (rf.own) own.push_back(r);
    for (int r : unfinished)
      if (!failures.count(r)) stopped.push_back(r);

    const bool job_failed = meta.present && meta.exit_status && *meta.exit_status != 0;
    if (meta.interrupted_by == 0) {
      if (meta.timed_out && own.empty()) return;  // the hang finding says it all
      if (!meta.timed_out && own.empty() && stopped.empty() && !job_failed) return;
    }

    Finding f;
    f.kind = kKind_program_failed;
    std::ostringstream msg;
    nlohmann::json ranks = nlohmann::json::array();
    auto describe = [&](int r, const std::string& what) {
      const RankLog* log = model.rank_log(r);
      std::string state = what;
      std::optional<EventRef> last = last_call(model, mpi4py, r);
      if (log && log->finished) {
        state += " after MPI_Finalize";
      } else if (last) {
        const Event& e = model.event(*last);
        if (e.call != kCall_Abort)
          state += (e.returned ? " after its last MPI call, " : " inside its last MPI call, ") + std::string(e.name());
      } else if (log) {
        state += " before its first logged MPI call";
      }
      if (last) f.accesses.push_back({*last, "last call", -1, -1, -1, what});
      ranks.push_back({{"rank", r}, {"state", what}});
      return state;
    };
    std::string sep;
    if (meta.interrupted_by) {
      msg << "the run was interrupted by " << signal_name(meta.interrupted_by) << " after " << meta.duration_s
          << " s, before the program finished";
      sep = "; ";
      for (int r : own) msg << sep << "rank " << r << " " << describe(r, failures[r].what);
      std::vector<int> inside;
      for (int r : stopped) {
        describe(r, "stopped by the interruption");
        inside.push_back(r);
      }
      if (!inside.empty()) msg << sep << rank_list(inside) << " stopped";
    } else {
      msg << "the program failed: ";
      // Ranks with the same story are told once ("ranks 0,1 called MPI_Abort ... after their last MPI call").
      std::vector<std::pair<std::string, std::vector<int>>> stories;
      auto tell = [&](int r, const std::string& what) {
        const std::string state = describe(r, what);
        for (auto& [text, ranks] : stories)
          if (text == state) return ranks.push_back(r);
        stories.push_back({state, {r}});
      };
      for (int r : own) tell(r, failures[r].what);
      // Nothing says why: every rank that did not finish is a suspect.
      if (own.empty() && !meta.timed_out)
        for (int r : stopped) tell(r, "ended without reaching MPI_Finalize");
      for (auto& [text, ranks] : stories) {
        std::string t = text;
        if (ranks.size() > 1)
          for (size_t at; (at = t.find(" its ")) != std::string::npos;) t.replace(at, 5, " their ");
        msg << sep << rank_list(ranks) << " " << t;
        sep = "; ";
      }
      if (!meta.timed_out && !stopped.empty() && !own.empty())
        msg << sep << rank_list(stopped) << " stopped when the job was aborted";
      if (own.empty() && stopped.empty()) msg << "every rank left MPI_Finalize, but the job failed";
    }
    if (meta.present && meta.exit_status) msg << " (exit status " << *meta.exit_status << ")";
    if (!no_log.empty() && no_log.size() < static_cast<size_t>(model.world_size))
      msg << "; no log from " << rank_list(no_log);
    f.message = msg.str();
    f.details = {{"ranks", ranks}};
    if (meta.exit_status) f.details["exit_status"] = *meta.exit_status;
    if (meta.interrupted_by) f.details["interrupted_by"] = signal_name(meta.interrupted_by);
    out.findings.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Detector> make_program_failure_detector() { return std::make_unique<ProgramFailureDetector>(); }

}  // namespace rmacheck
