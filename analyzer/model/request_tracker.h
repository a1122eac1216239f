// The per-rank life of every MPI request, rebuilt from the log: a reusable
// state machine, independent of findings (the request detectors turn its
// issues and final states into findings; the race detector asks which
// requests were active, i.e. whose buffers were in use, when).
//
// Persistent requests (Send_init, Bsend_init, Ssend_init, Rsend_init,
// Recv_init, MPI-4 persistent collectives, MPI-4 partitioned Psend_init/Precv_init):
//     created -> (Start/Startall) active -> (Wait/Test listing it in kF_done) inactive -> ... -> Request_free
// A partitioned send is also marked ready partition by partition (Pready*) while active, each
// partition once per activation (MPI-4.0 section 4.2.2).
// Nonblocking requests (Isend, Irecv, Rput, Ibarrier, ... any other call logging kF_new_req):
//     created active -> completed (gone), or Request_free (gone; completion never known).
//
// Request ids are per rank and never reused, so a later use of a freed id
// is a use after free. Id 0 in kF_req/kF_reqs means MPI_REQUEST_NULL or a
// handle the interposer does not know (e.g. after MPI replaced it).
#pragma once

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/model.h"

namespace rmacheck {

enum class RequestKind : uint8_t { kPersistent, kNonblocking };

// [start, end): the request is active from its start (Start/Startall, or the
// creating call of a nonblocking request) until the event that completed it,
// on the same rank. end is absent when no completion was ever logged (still
// active at the end of the log, or freed while active: its completion can
// never be known). 12 bytes: a persistent request in a loop has millions.
struct ActiveInterval {
  static constexpr uint32_t kNoEnd = UINT32_MAX;
  EventRef start;
  uint32_t end_index = kNoEnd;
  std::optional<EventRef> end() const {
    return end_index == kNoEnd ? std::nullopt : std::optional<EventRef>(EventRef{start.rank, end_index});
  }
};

// A request's activations, in order: the first in place (a nonblocking request has exactly one, and a
// loop of nonblocking calls makes millions: no allocation each), the others in a vector made at the
// second (a persistent request in a loop).
class ActiveIntervals {
 public:
  void push_back(const ActiveInterval& a) {
    if (n_ > 0) {
      if (!more_) more_ = std::make_unique<std::vector<ActiveInterval>>();
      more_->push_back(a);
    } else {
      first_ = a;
    }
    ++n_;
  }
  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  const ActiveInterval& operator[](size_t i) const { return i == 0 ? first_ : (*more_)[i - 1]; }
  ActiveInterval& back() { return n_ > 1 ? more_->back() : first_; }
  const ActiveInterval& back() const { return n_ > 1 ? more_->back() : first_; }

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = ActiveInterval;
    using difference_type = std::ptrdiff_t;
    using pointer = const ActiveInterval*;
    using reference = const ActiveInterval&;
    const_iterator(const ActiveIntervals* of, size_t i) : of_(of), i_(i) {}
    reference operator*() const { return (*of_)[i_]; }
    pointer operator->() const { return &(*of_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator was = *this;
      ++i_;
      return was;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_ && of_ == o.of_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    const ActiveIntervals* of_;
    size_t i_;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, n_}; }

 private:
  ActiveInterval first_;
  uint32_t n_ = 0;
  std::unique_ptr<std::vector<ActiveInterval>> more_;
};
static_assert(sizeof(ActiveIntervals) == 24, "as small as the vector it replaces");

// 80 bytes: a loop of nonblocking calls makes one a call.
struct RequestRecord {
  int64_t id = 0;
  EventRef created;
  // Its activations: a nonblocking request's one from its creation, a persistent one's from each
  // Start/Startall that (re)started it (then every start is active[i].start).
  ActiveIntervals active;
  std::optional<EventRef> freed;  // the Request_free that released it
  uint32_t completions = 0;       // events whose kF_done listed it
  int rank = -1;
  RequestKind kind = RequestKind::kNonblocking;
  // Set when the request was restarted while active: the MPI library may have
  // replaced the handle (Open MPI 4.1's MPI_Start does when the operation is
  // still incomplete; its MPI_Startall fails with MPI_ERR_REQUEST instead), so
  // later uses may no longer carry this id. Cleared when a later call names the id.
  bool lost = false;
  // Partitioned (Psend_init/Precv_init): how many partitions (0: not partitioned), which side,
  // and the partitions marked ready by Pready* since the last start (with the marking call; made at
  // the first Pready*: most requests are not partitioned).
  bool partitioned_send = false;
  int64_t partitions = 0;
  std::unique_ptr<std::map<int64_t, EventRef>> ready;

  bool persistent() const { return kind == RequestKind::kPersistent; }
  // Active now (at the end of what was processed), and not freed.
  bool is_active() const { return !active.empty() && active.back().end_index == ActiveInterval::kNoEnd && !freed; }
  // Still allocated in MPI: persistent and not freed, or nonblocking and neither completed nor freed.
  bool allocated() const {
    if (freed) return false;
    return persistent() || completions == 0;
  }
  // Active when `ref` (an event index on this rank) happens: start <= ref < end.
  bool active_at(uint32_t index) const;
  // A Start/Startall of it is event `index` of its rank (a persistent request's starts are its activations).
  bool started_by(uint32_t index) const;
};
static_assert(sizeof(RequestRecord) == 80, "one per nonblocking call");

// A transition the state machine refused (an MPI usage error).
enum class RequestIssueKind {
  kStartActive,   // Start/Startall on an active request (related: the start/creation that made it active)
  kMissingStart,  // Wait/Test completed a persistent request that was never started (related: creation)
  kUseAfterFree,  // Start/Wait/Test/Cancel/Request_free of a freed id (related: the free)
  kFreeActive,    // Request_free of an active request: legal, its completion is never known (related: start/creation)
  kNullHandle,    // Start/Startall/Request_free with MPI_REQUEST_NULL (or an invalid handle) that MPI rejected
  // Partitioned communication; `partition` is the index concerned.
  kPreadyTwice,          // a partition marked ready again in one activation (related: the first Pready)
  kPreadyInactive,       // Pready* on an inactive partitioned send (related: creation, or the completion)
  kNotPartitioned,       // Pready* on a request that is no partitioned send, Parrived on no partitioned receive
  kPartitionOutOfRange,  // partition outside [0, partitions), or Pready_range low > high (related: creation)
};

struct RequestIssue {
  RequestIssueKind kind;
  int64_t id = 0;  // 0 for kNullHandle
  EventRef at;     // the offending call
  std::optional<EventRef> related;
  int64_t partition = -1;  // partitioned issues: the partition index (the low end for a reversed range)
};

// A rank's requests by id, in id order. Ids grow in log order (the interposer numbers them), so a record
// is appended and found by binary search: no tree node per request (a loop of nonblocking calls makes
// millions). A log whose ids do not grow (hand-made or damaged) is indexed by hash while it is read and
// sorted once it is done (RankRequests::process).
class RequestTable {
 public:
  const RequestRecord* find(int64_t id) const;
  RequestRecord* find(int64_t id) { return const_cast<RequestRecord*>(std::as_const(*this).find(id)); }
  // Adds r, or replaces the record of its id.
  void put(RequestRecord r);
  // Puts the records in id order again after ids that did not grow.
  void finish();
  void reserve(size_t n) { records_.reserve(n); }
  std::vector<RequestRecord>::const_iterator begin() const { return records_.begin(); }
  std::vector<RequestRecord>::const_iterator end() const { return records_.end(); }
  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }

 private:
  std::vector<RequestRecord> records_;
  bool sorted_ = true;
  std::unordered_map<int64_t, size_t> index_;  // while !sorted_: id -> position
};

class RankRequests {
 public:
  int rank = -1;
  RequestTable requests;             // by id
  std::vector<RequestIssue> issues;  // in log order
  std::optional<EventRef> finalize;  // this rank's MPI_Finalize, if logged

  const RequestRecord* find(int64_t id) const;
  // Requests active at event `index` of this rank (whose buffers MPI may be using).
  std::vector<const RequestRecord*> active_at(uint32_t index) const;

  // Runs the state machine over one rank's events.
  void process(const RankLog& log);

 private:
  // The call being processed and how it ended.
  struct CallOutcome {
    EventRef at;
    EventView view;
    bool failed;       // MPI refused the call (its error handler returned)
    bool died_inside;  // the process died inside it (the last event of an unfinished log)
  };
  void on_event(const RankLog& log, uint32_t index);
  void on_start(const CallOutcome& c);
  void on_completion(const CallOutcome& c);
  void on_free(const CallOutcome& c);
  void on_cancel(const CallOutcome& c);
  void on_pready(const CallOutcome& c);
  void on_parrived(const CallOutcome& c);
  template <class Live>
  bool for_each_named(const CallOutcome& c, Live live);
  RequestRecord* lookup(int64_t id);
  void issue(RequestIssueKind k, int64_t id, EventRef at, std::optional<EventRef> related, int64_t partition = -1);
};

class RequestTracker {
 public:
  explicit RequestTracker(const Model& model);
  const RankRequests* rank(int r) const;
  const std::vector<RankRequests>& ranks() const { return ranks_; }

 private:
  std::vector<RankRequests> ranks_;
  std::map<int, size_t> by_rank_;
};

// The request ids an event names in kF_req / kF_reqs (logged as arrays, or as a scalar).
std::vector<int64_t> request_ids(const EventView& v);

// Tells objects the user's code made from those mpi4py made by itself, on a
// Python (mpi4py) rank:
//   - an event without a Python location was called from inside mpi4py
//     (module import, interpreter exit), not from the script;
//   - the communicator mpi4py 3 duplicates for its pickle-based collectives
//     (comm.allreduce, comm.bcast, ...): an MPI_Comm_dup whose new communicator
//     the very next call of the same Python statement already uses. mpi4py
//     caches it on the parent and frees it with the parent (from inside
//     MPI_Comm_free, where the free is not logged), so it is the parent's
//     leak, reported at the parent's creation, or no leak at all.
class Mpi4pyFilter {
 public:
  explicit Mpi4pyFilter(const Model& model);
  bool internal(EventRef ref) const;

 private:
  const Model& model_;
  std::map<int, bool> python_;  // rank -> some event has a Python location
};

}  // namespace rmacheck
