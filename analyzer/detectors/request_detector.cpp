// `request-leak`, `request-misuse`, `request-free-active`: the life of every
// request (rma-semantics.md section 6), from the per-rank state machine of
// request_tracker.h.
//   - misuse: Start on an active request; Wait/Test of a persistent request
//     never started (missing start); a use of a freed request; Start or
//     Request_free of MPI_REQUEST_NULL rejected by MPI; a persistent request
//     still active at MPI_Finalize or freed by Request_free while active
//     (missing wait: MPI lets the freed operation finish, but its buffer can
//     never be known to be safe again);
//   - misuse of partitioned requests (MPI-4.0 section 4.2): a partition marked
//     ready twice in one activation, Pready* on an inactive partitioned send,
//     Pready* / Parrived on a request of the wrong kind; a partition index out of
//     range is invalid-arg;
//   - free-active: Request_free of an active nonblocking request (legal, warning);
//   - leak: a persistent request never freed, a nonblocking one never
//     completed nor freed, by MPI_Finalize.
// Leaks and missing waits are only decided for ranks that reached
// MPI_Finalize; the others get a note. One finding per rank and occurrence:
// the report merges them by source line.
#include <string>

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/wording.h"
#include "model/request_tracker.h"

namespace rmacheck {

namespace {

// A request finding of `code`; details.problem repeats the code (it was there first).
Finding request_finding(FindingCode code, int64_t id) {
  Finding f = coded_finding(code);
  f.details = {{"request", id}, {"problem", code_info(code).code}};
  return f;
}

// "persistent MPI_Recv_init request", "MPI_Isend request".
std::string kind_words(const Model& model, const RequestRecord& r) {
  return std::string(r.persistent() ? "persistent " : "") + model.event(r.created).name() + " request";
}

// Without the creating call: for findings at calls that handle several requests
// at once (Startall, a Request_free in a loop), which the report merges.
std::string generic_words(const RequestRecord* r) {
  return !r ? "request" : r->persistent() ? "persistent request" : "nonblocking request";
}

class RequestDetector : public Detector {
 public:
  const char* name() const override { return "request"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    const RequestTracker& tracker = ctx.requests();
    const LeakScope& scope = ctx.leak_scope();
    const Mpi4pyFilter& mpi4py = ctx.mpi4py();
    for (const RankRequests& rr : tracker.ranks()) {
      for (const RequestIssue& is : rr.issues) report_issue(model, rr, is, out);
      if (!scope.reached(rr.rank)) continue;
      const EventRef fin = scope.finalize.at(rr.rank);
      for (const RequestRecord& r : rr.requests) {
        const int64_t id = r.id;
        // Restarted while active: the library may have replaced the handle, so
        // what happened to this request afterwards is unknown (already reported).
        if (r.lost) continue;
        if (mpi4py.internal(r.created)) continue;  // made by mpi4py itself, not by the script
        if (r.persistent() && r.is_active()) {
          Finding f = request_finding(kCode_missing_wait, id);
          f.message = "persistent request started by " + std::string(model.event(r.active.back().start).name()) +
                      " is never completed (missing MPI_Wait/MPI_Test before MPI_Finalize)";
          f.accesses.push_back({r.active.back().start, "", -1, -1, -1, "started here"});
          f.accesses.push_back({fin, "", -1, -1, -1, "still active here"});
          f.accesses.front().request = r.created;  // the report names the request by its creation line
          f.details["created_by"] = model.event(r.created).name();
          out.findings.push_back(std::move(f));
        }
        if (!r.allocated()) continue;
        Finding f;
        f.kind = kKind_request_leak;
        if (r.persistent())
          f.message = "persistent request created by " + std::string(model.event(r.created).name()) +
                      " is never freed (missing MPI_Request_free before MPI_Finalize)";
        else
          f.message = "request of " + std::string(model.event(r.created).name()) +
                      " is never completed nor freed (missing MPI_Wait/MPI_Test before MPI_Finalize)";
        f.where = r.created;  // the creation site; the report merges the ranks
        f.details = {{"request", id}, {"persistent", r.persistent()}};
        out.findings.push_back(std::move(f));
      }
    }
    push_leak_note(scope, out.notes);
  }

 private:
  static FindingCode issue_code(const RequestIssue& is, const RequestRecord* r) {
    switch (is.kind) {
      case RequestIssueKind::kStartActive:
        return kCode_start_active;
      case RequestIssueKind::kMissingStart:
        return kCode_missing_start;
      case RequestIssueKind::kUseAfterFree:
        return kCode_use_after_free;
      case RequestIssueKind::kFreeActive:
        return r && r->persistent() ? kCode_missing_wait : kCode_free_active;
      case RequestIssueKind::kNullHandle:
        return kCode_null_request;
      case RequestIssueKind::kPreadyTwice:
        return kCode_partition_ready_twice;
      case RequestIssueKind::kPreadyInactive:
        return kCode_partition_ready_inactive;
      case RequestIssueKind::kNotPartitioned:
        return kCode_not_partitioned;
      case RequestIssueKind::kPartitionOutOfRange:
        return kCode_partition_out_of_range;
    }
    return kNoCode;
  }

  static void report_issue(const Model& model, const RankRequests& rr, const RequestIssue& is, Analysis& out) {
    const RequestRecord* r = rr.find(is.id);
    const std::string call = model.event(is.at).name();
    Finding f = request_finding(issue_code(is, r), is.id);
    if (r) f.details["created_by"] = model.event(r->created).name();
    switch (is.kind) {
      case RequestIssueKind::kStartActive:
        if (r && r->persistent())
          f.message = call +
                      " restarts a persistent request that is still active (started before and not yet "
                      "completed by MPI_Wait/MPI_Test)";
        else
          f.message = call + " on a " + generic_words(r) +
                      ", which is active until completed and cannot be started (only persistent requests can)";
        f.accesses.push_back({is.at, "", -1, -1, -1, "starts an active request"});
        if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "made it active; not completed since"});
        break;
      case RequestIssueKind::kMissingStart:
        f.message = call + " completes a " + (r ? kind_words(model, *r) : std::string("persistent request")) +
                    " that was never started (missing MPI_Start: the wait returns at once and no data moves)";
        f.accesses.push_back({is.at, "", -1, -1, -1, "waits on an inactive request"});
        if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "created here, never started"});
        break;
      case RequestIssueKind::kUseAfterFree:
        f.message = call + " uses a " + generic_words(r) + " that was already freed by MPI_Request_free";
        f.accesses.push_back({is.at, "", -1, -1, -1, "uses the freed request"});
        if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "freed here"});
        break;
      case RequestIssueKind::kFreeActive:
        if (r && r->persistent()) {
          f.message =
              "MPI_Request_free on a persistent request that was started and never completed (missing "
              "MPI_Wait/MPI_Test: the freed operation still runs, and its buffer can never be known to be "
              "safe again)";
          f.accesses.push_back({is.at, "", -1, -1, -1, "frees the active request"});
          if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "started here; never completed"});
          break;
        }
        f.message = "MPI_Request_free on an active " + generic_words(r) +
                    " (legal, but its completion can never be known, so its buffer may never safely be reused; "
                    "complete it with MPI_Wait/MPI_Test first)";
        f.accesses.push_back({is.at, "", -1, -1, -1, "frees the active request"});
        if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "made it active; not completed since"});
        break;
      case RequestIssueKind::kNullHandle: {
        const Event& e = model.event(is.at);
        f.message = call + (e.returned ? " failed (MPI error " + std::to_string(e.rc) + ")" : std::string(" aborted")) +
                    " on MPI_REQUEST_NULL or an invalid request: the request was probably freed before "
                    "(MPI_Request_free sets the handle to MPI_REQUEST_NULL) or never created";
        f.accesses.push_back({is.at, "", -1, -1, -1, "null or invalid request"});
        break;
      }
      case RequestIssueKind::kPreadyTwice:
        f.message = call + " marks partition " + std::to_string(is.partition) +
                    " ready again in the same activation of the partitioned send (each partition is marked "
                    "ready once between MPI_Start and the completing MPI_Wait/MPI_Test)";
        f.details["partition"] = is.partition;
        f.accesses.push_back({is.at, "", -1, -1, -1, "marks it ready again"});
        if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "marked it ready first"});
        break;
      case RequestIssueKind::kPreadyInactive: {
        // The tracker relates the creation when the request had not been started by then.
        const bool never_started = r && is.related && is.related->index == r->created.index;
        f.message = call + " on a partitioned send request that is not active (" +
                    (never_started ? "not started yet: MPI_Start comes first"
                                   : "its operation already completed: MPI_Start it again first") +
                    ")";
        if (is.partition >= 0) f.details["partition"] = is.partition;
        f.accesses.push_back({is.at, "", -1, -1, -1, "marks a partition of an inactive request ready"});
        if (is.related)
          f.accesses.push_back({*is.related, "", -1, -1, -1, never_started ? "created here" : "completed here"});
        break;
      }
      case RequestIssueKind::kNotPartitioned: {
        const bool ready = call_traits(model.event(is.at).call).role == CallRole::kPready;
        f.message = call + " on a " + (r ? kind_words(model, *r) : std::string("request")) + ", which is not a " +
                    (ready ? "partitioned send (MPI_Psend_init)" : "partitioned receive (MPI_Precv_init)");
        f.accesses.push_back({is.at, "", -1, -1, -1, "names a request of the wrong kind"});
        if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "created here"});
        break;
      }
      case RequestIssueKind::kPartitionOutOfRange:
        f.message = call + " names partition " + std::to_string(is.partition) + " of a request with " +
                    std::to_string(r ? r->partitions : 0) + " partitions (valid: 0 to " +
                    std::to_string(r ? r->partitions - 1 : -1) +
                    (r && model.event(is.at).call == kCall_Pready_range ? ", low end not above the high end)" : ")");
        f.details["partition"] = is.partition;
        f.accesses.push_back({is.at, "", -1, -1, -1, "partition out of range"});
        if (is.related) f.accesses.push_back({*is.related, "", -1, -1, -1, "created here"});
        break;
    }
    if (r && !f.accesses.empty()) f.accesses.front().request = r->created;  // which request: its creation line
    out.findings.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Detector> make_request_detector() { return std::make_unique<RequestDetector>(); }

}  // namespace rmacheck
