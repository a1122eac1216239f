#include "model/request_tracker.h"

#include <algorithm>

#include "call_traits.h"

namespace rmacheck {

std::vector<int64_t> request_ids(const EventView& v) {
  std::vector<int64_t> ids;
  for (int64_t id : v.array(kF_req)) ids.push_back(id);
  for (int64_t id : v.array(kF_reqs)) ids.push_back(id);
  return ids;
}

bool RequestRecord::active_at(uint32_t index) const {
  for (const ActiveInterval& a : active)
    if (a.start.index <= index && index < a.end_index) return true;
  return false;
}

const RequestRecord* RequestTable::find(int64_t id) const {
  if (!sorted_) {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &records_[it->second];
  }
  auto it = std::lower_bound(records_.begin(), records_.end(), id,
                             [](const RequestRecord& r, int64_t v) { return r.id < v; });
  return it != records_.end() && it->id == id ? &*it : nullptr;
}

void RequestTable::put(RequestRecord r) {
  if (sorted_ && (records_.empty() || records_.back().id < r.id)) {
    records_.push_back(std::move(r));
    return;
  }
  if (RequestRecord* old = find(r.id)) {
    *old = std::move(r);
    return;
  }
  if (sorted_) {  // an id below the last: indexed by hash from now on, sorted at the end
    sorted_ = false;
    for (size_t i = 0; i < records_.size(); ++i) index_[records_[i].id] = i;
  }
  index_[r.id] = records_.size();
  records_.push_back(std::move(r));
}

void RequestTable::finish() {
  if (sorted_) return;
  std::sort(records_.begin(), records_.end(),
            [](const RequestRecord& a, const RequestRecord& b) { return a.id < b.id; });
  sorted_ = true;
  std::unordered_map<int64_t, size_t>().swap(index_);
}

const RequestRecord* RankRequests::find(int64_t id) const { return requests.find(id); }

bool RequestRecord::started_by(uint32_t index) const {
  return persistent() &&
         std::any_of(active.begin(), active.end(), [&](const ActiveInterval& a) { return a.start.index == index; });
}

std::vector<const RequestRecord*> RankRequests::active_at(uint32_t index) const {
  std::vector<const RequestRecord*> out;
  for (const RequestRecord& r : requests)
    if (r.active_at(index)) out.push_back(&r);
  return out;
}

void RankRequests::process(const RankLog& log) {
  rank = log.rank;
  size_t made = 0;  // requests the log makes, at most: the table is reserved to them
  for (const Event& e : log.events) made += (e.present >> presence_bit(kF_new_req)) & 1;
  requests.reserve(made);
  for (uint32_t i = 0; i < log.events.size(); ++i) on_event(log, i);
  requests.finish();
}

// One event of this rank: what it does to the requests it creates or names.
void RankRequests::on_event(const RankLog& log, uint32_t index) {
  const Event& e = log.events[index];
  const CallTraits& traits = call_traits(e.call);
  const EventRef ref{rank, index};
  if (traits.role == CallRole::kFinalize) {
    if (!finalize) finalize = ref;
    return;
  }
  const EventView v = log.view(e);
  if (auto id = v.get(kF_new_req); id && *id != 0) {
    RequestRecord r;
    r.id = *id;
    r.rank = rank;
    r.kind = traits.makes_persistent_request() ? RequestKind::kPersistent : RequestKind::kNonblocking;
    r.created = ref;
    if (!r.persistent()) r.active.push_back({ref});  // a nonblocking call starts its operation
    if (auto parts = v.get(kF_partitions)) {
      r.partitions = *parts;
      r.partitioned_send = traits.role == CallRole::kSend;
    }
    requests.put(std::move(r));
  }
  const CallOutcome outcome{ref, v, e.returned && e.rc != 0,
                            !e.returned && index + 1 == log.events.size() && !log.finished};
  switch (traits.role) {
    case CallRole::kStartRequests:
      on_start(outcome);
      break;
    case CallRole::kCompleteRequests:
      on_completion(outcome);
      break;
    case CallRole::kFreeRequest:
      on_free(outcome);
      break;
    case CallRole::kCancelRequest:
      on_cancel(outcome);
      break;
    case CallRole::kPready:
      on_pready(outcome);
      break;
    case CallRole::kParrived:
      on_parrived(outcome);
      break;
    default:
      break;
  }
}

RequestRecord* RankRequests::lookup(int64_t id) { return requests.find(id); }

void RankRequests::issue(RequestIssueKind k, int64_t id, EventRef at, std::optional<EventRef> related,
                         int64_t partition) {
  issues.push_back({k, id, at, related, partition});
}

// Calls live(id, record) for each request the call names that is known and
// not freed (a use of a freed one is an issue); returns whether the call names
// MPI_REQUEST_NULL (or a handle the interposer did not know).
template <class Live>
bool RankRequests::for_each_named(const CallOutcome& c, Live live) {
  bool null_handle = false;
  for (int64_t id : request_ids(c.view)) {
    if (id == 0) {
      null_handle = true;
      continue;
    }
    RequestRecord* r = lookup(id);
    if (!r) continue;  // made by a call rmacheck does not wrap
    r->lost = false;
    if (r->freed) {
      issue(RequestIssueKind::kUseAfterFree, id, c.at, r->freed);
      continue;
    }
    live(id, *r);
  }
  return null_handle;
}

// Start/Startall: inactive persistent requests become active.
void RankRequests::on_start(const CallOutcome& c) {
  const bool null_handle = for_each_named(c, [&](int64_t id, RequestRecord& r) {
    if (r.is_active()) {
      issue(RequestIssueKind::kStartActive, id, c.at, r.active.back().start);
      r.lost = true;  // the library may hand back a new handle for the new operation
      return;
    }
    if (!r.persistent() || c.failed) return;  // a completed nonblocking request is gone; a failed start starts nothing
    r.active.push_back({c.at});
    r.ready.reset();  // a new activation: every partition is to be marked ready once again
  });
  if (null_handle && (c.failed || c.died_inside)) issue(RequestIssueKind::kNullHandle, 0, c.at, std::nullopt);
}

// Wait*/Test*: the requests listed in kF_done completed.
void RankRequests::on_completion(const CallOutcome& c) {
  for_each_named(c, [](int64_t, RequestRecord&) {});
  for (int64_t id : c.view.array(kF_done)) {
    RequestRecord* r = id ? lookup(id) : nullptr;
    if (!r || r->freed) continue;
    if (r->is_active()) {
      r->active.back().end_index = c.at.index;
    } else if (r->persistent() && r->active.empty()) {
      issue(RequestIssueKind::kMissingStart, id, c.at, r->created);
    }
    ++r->completions;
  }
}

void RankRequests::on_free(const CallOutcome& c) {
  const bool null_handle = for_each_named(c, [&](int64_t id, RequestRecord& r) {
    if (c.failed) return;
    if (r.is_active()) issue(RequestIssueKind::kFreeActive, id, c.at, r.active.back().start);
    r.freed = c.at;
  });
  if (null_handle && (c.failed || c.died_inside)) issue(RequestIssueKind::kNullHandle, 0, c.at, std::nullopt);
}

void RankRequests::on_cancel(const CallOutcome& c) {
  for_each_named(c, [](int64_t, RequestRecord&) {});
}

// Pready, Pready_range, Pready_list: partitions of an active partitioned send become ready, each
// once per activation. A call MPI refused marks nothing (but its misuse is still reported).
void RankRequests::on_pready(const CallOutcome& c) {
  std::vector<int64_t> parts;
  const auto low = c.view.get(kF_partition);
  const auto high = c.view.get(kF_partition_high);
  bool reversed = false;
  if (low && high) {
    reversed = *low > *high;
    for (int64_t p = *low; p <= *high && p - *low < (int64_t{1} << 20); ++p) parts.push_back(p);
  } else if (low) {
    parts.push_back(*low);
  }
  for (int64_t p : c.view.array(kF_partition_list)) parts.push_back(p);
  for_each_named(c, [&](int64_t id, RequestRecord& r) {
    if (r.partitions == 0 || !r.partitioned_send) {
      issue(RequestIssueKind::kNotPartitioned, id, c.at, r.created);
      return;
    }
    if (reversed) issue(RequestIssueKind::kPartitionOutOfRange, id, c.at, r.created, *low);
    if (!r.is_active()) {
      const std::optional<EventRef> why = r.active.empty() ? std::optional<EventRef>(r.created) : r.active.back().end();
      issue(RequestIssueKind::kPreadyInactive, id, c.at, why, parts.empty() ? -1 : parts.front());
      return;
    }
    bool out_of_range_seen = false;
    for (int64_t p : parts) {
      if (p < 0 || p >= r.partitions) {
        if (!out_of_range_seen) issue(RequestIssueKind::kPartitionOutOfRange, id, c.at, r.created, p);
        out_of_range_seen = true;  // one finding per call, naming the first bad index
        continue;
      }
      if (c.failed) continue;  // MPI refused the call: it marked nothing ready
      if (!r.ready) r.ready = std::make_unique<std::map<int64_t, EventRef>>();
      auto [it, fresh] = r.ready->emplace(p, c.at);
      if (!fresh) {
        issue(RequestIssueKind::kPreadyTwice, id, c.at, it->second, p);
        break;  // one finding per call
      }
    }
  });
}

// Parrived: only a partitioned receive can be asked, for one of its partitions.
void RankRequests::on_parrived(const CallOutcome& c) {
  const auto p = c.view.get(kF_partition);
  for_each_named(c, [&](int64_t id, RequestRecord& r) {
    if (r.partitions == 0 || r.partitioned_send) {
      issue(RequestIssueKind::kNotPartitioned, id, c.at, r.created);
      return;
    }
    if (p && (*p < 0 || *p >= r.partitions)) issue(RequestIssueKind::kPartitionOutOfRange, id, c.at, r.created, *p);
  });
}

RequestTracker::RequestTracker(const Model& model) {
  for (const RankLog& log : model.logs) {
    RankRequests rr;
    rr.process(log);
    by_rank_[log.rank] = ranks_.size();
    ranks_.push_back(std::move(rr));
  }
}

const RankRequests* RequestTracker::rank(int r) const {
  auto it = by_rank_.find(r);
  return it == by_rank_.end() ? nullptr : &ranks_[it->second];
}

Mpi4pyFilter::Mpi4pyFilter(const Model& model) : model_(model) {
  for (const RankLog& log : model.logs) {
    bool py = false;
    for (const Event& e : log.events)
      if (log.view(e).has(kF_py_file)) {
        py = true;
        break;
      }
    python_[log.rank] = py;
  }
}

bool Mpi4pyFilter::internal(EventRef ref) const {
  auto it = python_.find(ref.rank);
  if (it == python_.end() || !it->second) return false;
  const EventView v = model_.view(ref);
  if (!v.has(kF_py_file)) return true;
  const auto made = v.get(kF_new_comm);
  if (!made || model_.event(ref).call != kCall_Comm_dup) return false;
  // The next call of the same thread: same Python statement, already on the new communicator?
  const RankLog* log = model_.rank_log(ref.rank);
  const Event& e = model_.event(ref);
  for (size_t i = ref.index + 1; i < log->events.size(); ++i) {
    const Event& next = log->events[i];
    if (next.thread_slot != e.thread_slot) continue;
    const EventView nv = log->view(next);
    return nv.get(kF_comm) == made && nv.get(kF_py_file) == v.get(kF_py_file) &&
           nv.get(kF_py_line) == v.get(kF_py_line);
  }
  return false;
}

}  // namespace rmacheck
