#include "model/epoch_tracker.h"

#include <algorithm>

#include "call_traits.h"

namespace rmacheck {

namespace {

bool has_bit(int bits, int b) { return (bits & b) != 0; }

// The event that comes last in program order (same rank).
std::optional<EventRef> later(std::optional<EventRef> a, std::optional<EventRef> b) {
  if (!a) return b;
  if (!b) return a;
  return a->index < b->index ? b : a;
}

}  // namespace

bool Epoch::covers(int t) const {
  switch (kind) {
    case EpochKind::kFence:
    case EpochKind::kLockAll:
      return true;
    case EpochKind::kLock:
      return target == t;
    case EpochKind::kAccess:
      return std::find(group.begin(), group.end(), t) != group.end();
    case EpochKind::kExposure:
      return false;
  }
  return false;
}

struct EpochTracker::WinState {
  int rank = -1;
  int64_t win = 0;
  // Fences.
  int fence_count = 0;
  std::optional<EventRef> last_fence;
  int last_fence_assert = 0;
  std::optional<size_t> fence_epoch;              // fence epoch opened (lazily) since the last fence
  std::optional<EventRef> first_rma_since_fence;  // any RMA call since the last fence, in any epoch
  std::vector<size_t> access_since_fence;  // lock/lock_all/start epochs opened since the last fence, not yet reported
  std::vector<size_t> after_nosucceed;     // issues_: RMA after a NOSUCCEED fence, until a fence follows
  // Passive target and PSCW.
  std::map<int, size_t> locks;  // target -> epoch
  std::optional<size_t> lock_all, start, post;
  // For explanations: the last calls that closed epochs.
  std::map<int, EventRef> closed_for;  // target -> unlock / complete that closed an epoch covering it
  std::optional<EventRef> closed_all;  // unlock_all, or a NOSUCCEED fence
  std::optional<EventRef> last_complete, last_wait;

  std::vector<int> locked_targets() const {
    std::vector<int> held;
    for (const auto& [t, idx] : locks) held.push_back(t);
    return held;
  }
  // A lock/lock_all/start epoch opened now may turn out to be mixed into a fence epoch (decided at the next fence).
  bool may_mix_into_fence_epoch(bool in_fence) const {
    return last_fence && !has_bit(last_fence_assert, kModeNoSucceed) && !in_fence;
  }
};

EpochTracker::EpochTracker(const Model& model) : model_(model) {
  for (const RankLog& log : model.logs) walk_rank(log);
}

const Epoch* EpochTracker::epoch_of(EventRef rma) const {
  auto r = covered_.find(rma.rank);
  if (r == covered_.end()) return nullptr;
  const auto& calls = r->second;
  // Of two logs of one rank, the last walked (its epochs come later), as Model::rank_log resolves the rank.
  auto it = std::upper_bound(calls.begin(), calls.end(), std::make_pair(rma.index, UINT32_MAX));
  return it != calls.begin() && std::prev(it)->first == rma.index ? &epochs_[std::prev(it)->second] : nullptr;
}

std::vector<EventRef> EpochTracker::rmas_of(const Epoch& e) const {
  std::vector<EventRef> out;
  auto r = covered_.find(e.rank);
  if (e.rma_count == 0 || r == covered_.end()) return out;
  const auto idx = static_cast<uint32_t>(&e - epochs_.data());
  const auto& calls = r->second;
  // From the first one on, the rank's covered calls of this epoch and of others (other windows, targets).
  for (auto it = std::lower_bound(calls.begin(), calls.end(), std::make_pair(e.first_rma.index, uint32_t{0}));
       it != calls.end() && out.size() < e.rma_count; ++it)
    if (it->second == idx) out.push_back({e.rank, it->first});
  return out;
}

const std::vector<EventRef>& EpochTracker::fences(int rank, int64_t win) const {
  static const std::vector<EventRef> none;
  auto it = fences_.find({rank, win});
  return it == fences_.end() ? none : it->second;
}

std::vector<size_t> EpochTracker::epochs_of(int rank, int64_t win) const {
  auto it = epochs_by_win_.find({rank, win});
  return it == epochs_by_win_.end() ? std::vector<size_t>{} : it->second;
}

int64_t EpochTracker::target_of(EventRef e) const { return model_.view(e).get_or(kF_target, kRankProcNull); }

EpochIssue& EpochTracker::issue(EpochIssueKind kind, const WinState& s, std::vector<EventRef> events) {
  EpochIssue is;
  is.kind = kind;
  is.rank = s.rank;
  is.win = s.win;
  is.events = std::move(events);
  issues_.push_back(std::move(is));
  return issues_.back();
}

size_t EpochTracker::new_epoch(WinState& s, EpochKind k, EventRef open) {
  Epoch ep;
  ep.kind = k;
  ep.rank = s.rank;
  ep.win = s.win;
  ep.open = open;
  EventView v = model_.view(open);
  ep.assert_bits = static_cast<int>(v.get_or(kF_assert, 0));
  epochs_.push_back(std::move(ep));
  size_t idx = epochs_.size() - 1;
  epochs_by_win_[{s.rank, s.win}].push_back(idx);
  return idx;
}

void EpochTracker::walk_rank(const RankLog& log) {
  std::map<int64_t, WinState> wins;
  for (uint32_t i = 0; i < log.events.size(); ++i) on_event(wins, log, i);
  at_end_of_log(wins, log);
  if (auto c = covered_.find(log.rank); c != covered_.end() && !std::is_sorted(c->second.begin(), c->second.end()))
    std::sort(c->second.begin(), c->second.end());  // two logs of one rank (only a hand-built model has them)
}

void EpochTracker::on_event(std::map<int64_t, WinState>& wins, const RankLog& log, uint32_t index) {
  const Event& ev = log.events[index];
  const EventRef ref{log.rank, index};
  EventView v = log.view(ev);
  if (auto nw = v.get(kF_new_win)) {
    wins.erase(*nw);  // a fresh window (ids are not reused, but be safe)
    return;
  }
  const CallTraits& traits = call_traits(ev.call);
  if (traits.role == CallRole::kFinalize) {
    for (auto& [w, s] : wins) close_all(s, ref, false);
    wins.clear();
    return;
  }
  auto w = v.get(kF_win);
  if (!w || *w == 0) return;
  auto state = [&]() -> WinState& {
    WinState& s = wins[*w];
    s.rank = log.rank;
    s.win = *w;
    return s;
  };
  if (traits.role == CallRole::kWinFree) {
    close_all(state(), ref, false);
    wins.erase(*w);
    return;
  }
  if (traits.is_rma()) {
    on_rma(state(), ref);
    return;
  }
  switch (traits.role) {
    case CallRole::kFence:
      on_fence(state(), ref);
      break;
    case CallRole::kLock:
      on_lock(state(), ref);
      break;
    case CallRole::kUnlock:
      on_unlock(state(), ref);
      break;
    case CallRole::kLockAll:
      on_lock_all(state(), ref);
      break;
    case CallRole::kUnlockAll:
      on_unlock_all(state(), ref);
      break;
    case CallRole::kFlush:
    case CallRole::kFlushAll:
    case CallRole::kFlushLocal:
    case CallRole::kFlushLocalAll:
      on_flush(state(), ref);
      break;
    case CallRole::kStart:
      on_start(state(), ref);
      break;
    case CallRole::kComplete:
      on_complete(state(), ref);
      break;
    case CallRole::kPost:
      on_post(state(), ref);
      break;
    case CallRole::kWait:
    case CallRole::kTest:
      on_wait(state(), ref);
      break;
    default:
      break;
  }
}

// A rank that did not finish: a hung run's open epochs are unclosed; a dead rank's are only counted.
void EpochTracker::at_end_of_log(std::map<int64_t, WinState>& wins, const RankLog& log) {
  if (log.finished || log.events.empty()) return;
  EventRef last{log.rank, static_cast<uint32_t>(log.events.size() - 1)};
  if (model_.meta.stopped()) {  // --timeout or an interruption: the epochs were cut short, not left open
    for (auto& [w, s] : wins) close_all(s, last, true);
    return;
  }
  int open = 0;
  for (auto& [w, s] : wins)
    open += static_cast<int>(s.locks.size()) + (s.lock_all ? 1 : 0) + (s.start ? 1 : 0) + (s.post ? 1 : 0) +
            (s.fence_epoch ? 1 : 0);
  if (open) open_at_death_.push_back({log.rank, open});
}

// Every epoch still open on this window is unclosed at `at` (Win_free,
// Finalize, or the last event of a rank of a run stopped by --timeout).
void EpochTracker::close_all(WinState& s, EventRef at, bool stopped) {
  std::vector<size_t> open;
  for (auto& [t, idx] : s.locks) open.push_back(idx);
  if (s.lock_all) open.push_back(*s.lock_all);
  if (s.start) open.push_back(*s.start);
  if (s.post) open.push_back(*s.post);
  if (s.fence_epoch) open.push_back(*s.fence_epoch);
  std::sort(open.begin(), open.end());
  for (size_t idx : open) {
    Epoch& ep = epochs_[idx];
    ep.left_open_at = at;
    if (stopped) {
      if (!model_.event(ep.open).returned) continue;  // blocked opening it: it never opened
      // Already explained by an issue on the same two calls (e.g. a nested lock the rank is blocked in).
      bool explained = false;
      for (const EpochIssue& is : issues_) {
        const bool has_open = std::find(is.events.begin(), is.events.end(), ep.open) != is.events.end();
        const bool has_at = std::find(is.events.begin(), is.events.end(), at) != is.events.end();
        explained |= has_open && has_at;
      }
      if (explained) continue;
    }
    issue(stopped ? EpochIssueKind::kUnclosedWhenStopped : EpochIssueKind::kUnclosedEpoch, s, {ep.open, at}).epoch =
        idx;
  }
  s.locks.clear();
  s.lock_all.reset();
  s.start.reset();
  s.post.reset();
  s.fence_epoch.reset();
}

void EpochTracker::on_fence(WinState& s, EventRef e) {
  EventView v = model_.view(e);
  const int a = static_cast<int>(v.get_or(kF_assert, 0));
  s.fence_count++;
  fences_[{s.rank, s.win}].push_back(e);

  // A fence inside another kind of epoch.
  auto inside = [&](size_t idx) { issue(EpochIssueKind::kFenceInEpoch, s, {epochs_[idx].open, e}).epoch = idx; };
  for (auto& [t, idx] : s.locks) inside(idx);
  if (s.lock_all) inside(*s.lock_all);
  if (s.start) inside(*s.start);
  if (s.post) inside(*s.post);

  // Lock/start epochs inside the fence epoch that this fence ends (see the header's reading of 11.5.1).
  if (s.last_fence && !has_bit(s.last_fence_assert, kModeNoSucceed) && s.first_rma_since_fence &&
      !has_bit(a, kModeNoPrecede)) {
    for (size_t idx : s.access_since_fence) {
      const Epoch& ep = epochs_[idx];
      if (!ep.close) continue;  // still open: reported above as a fence inside that epoch
      issue(EpochIssueKind::kAccessEpochMixedIntoFence, s, {*s.last_fence, ep.open, e}).epoch = idx;
    }
  }
  // RMA after a NOSUCCEED fence, now followed by a fence: the assertion was the mistake.
  for (size_t idx : s.after_nosucceed) issues_[idx].kind = EpochIssueKind::kNosucceedBrokenByFence;
  if (s.fence_epoch) epochs_[*s.fence_epoch].close = e;
  s.fence_epoch.reset();
  s.first_rma_since_fence.reset();
  s.access_since_fence.clear();
  s.after_nosucceed.clear();
  s.last_fence = e;
  s.last_fence_assert = a;
  if (has_bit(a, kModeNoSucceed)) s.closed_all = later(s.closed_all, e);
}

void EpochTracker::on_rma(WinState& s, EventRef e) {
  const int64_t t64 = model_.view(e).get_or(kF_target, kRankProcNull);
  if (t64 < 0) return;  // MPI_PROC_NULL: no-op; an invalid rank: invalid-rma-arg
  const int t = static_cast<int>(t64);
  if (!s.first_rma_since_fence) s.first_rma_since_fence = e;
  std::optional<size_t> cover;
  if (s.locks.count(t))
    cover = s.locks[t];
  else if (s.lock_all)
    cover = s.lock_all;
  else if (s.start && epochs_[*s.start].covers(t))
    cover = s.start;
  else if (s.last_fence && !has_bit(s.last_fence_assert, kModeNoSucceed)) {
    if (!s.fence_epoch) {
      size_t idx = new_epoch(s, EpochKind::kFence, *s.last_fence);
      epochs_[idx].fence_index = s.fence_count;
      s.fence_epoch = idx;
    }
    cover = s.fence_epoch;
  }
  if (cover) {
    Epoch& ep = epochs_[*cover];
    if (ep.rma_count++ == 0) ep.first_rma = e;
    covered_[e.rank].emplace_back(e.index, static_cast<uint32_t>(*cover));
    return;
  }

  auto closed_for = s.closed_for.count(t) ? std::optional<EventRef>(s.closed_for[t]) : std::nullopt;
  std::optional<EventRef> closer = later(closed_for, s.closed_all);
  if (s.start) {
    EpochIssue& is = issue(EpochIssueKind::kTargetNotInStartGroup, s, {e, epochs_[*s.start].open});
    is.target = t;
    is.epoch = s.start;
  } else if (!s.locks.empty()) {
    size_t latest = 0;
    for (auto& [lt, idx] : s.locks) latest = std::max(latest, idx);
    EpochIssue& is = issue(EpochIssueKind::kTargetNotLocked, s, {e, epochs_[latest].open});
    is.target = t;
    is.ranks = s.locked_targets();
  } else if (closer && s.last_fence && *closer == *s.last_fence) {
    issue(EpochIssueKind::kRmaAfterNosucceed, s, {e, *s.last_fence});
    s.after_nosucceed.push_back(issues_.size() - 1);
  } else if (closer) {
    issue(EpochIssueKind::kRmaAfterEpochClosed, s, {e, *closer}).target = t;
  } else {
    issue(EpochIssueKind::kRmaWithoutEpoch, s, {e});
  }
}

// A new lock/lock_all/start access epoch at `e`: records the access epochs
// it would overlap. Returns true if one of them makes the call ineffective
// as an opening call (a second epoch of the same kind and target).
bool EpochTracker::open_access_conflicts(WinState& s, EventRef e) {
  const CallRole role = call_traits(model_.event(e).call).role;
  const int t = role == CallRole::kLock ? static_cast<int>(target_of(e)) : -1;  // on_lock: a member's rank
  bool same_kind = false;
  auto nested = [&](EpochIssueKind kind, size_t idx) {
    EpochIssue& is = issue(kind, s, {epochs_[idx].open, e});
    is.epoch = idx;
    is.target = t;
  };
  if (role == CallRole::kLock) {
    if (s.locks.count(t)) {
      nested(EpochIssueKind::kNestedLock, s.locks[t]);
      same_kind = true;
    }
    if (s.lock_all) nested(EpochIssueKind::kLockInLockAll, *s.lock_all);
  } else if (role == CallRole::kLockAll) {
    if (s.lock_all) {
      nested(EpochIssueKind::kNestedLockAll, *s.lock_all);
      same_kind = true;
    }
    for (auto& [lt, idx] : s.locks)
      if (!s.lock_all) nested(EpochIssueKind::kLockAllInLock, idx);  // locks taken inside a lock_all were reported
  } else if (role == CallRole::kStart) {
    if (s.start) {
      nested(EpochIssueKind::kNestedStart, *s.start);
      same_kind = true;
    }
    for (auto& [lt, idx] : s.locks) nested(EpochIssueKind::kStartInLock, idx);
    if (s.lock_all) nested(EpochIssueKind::kStartInLockAll, *s.lock_all);
  }
  if (role != CallRole::kStart && s.start) nested(EpochIssueKind::kLockInStart, *s.start);
  if (s.fence_epoch) {
    const Epoch& fe = epochs_[*s.fence_epoch];
    issue(EpochIssueKind::kAccessEpochInFenceEpoch, s, {fe.open, fe.first_rma, e}).epoch = s.fence_epoch;
  }
  return same_kind;
}

void EpochTracker::on_lock(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  EventView v = model_.view(e);
  const int64_t t = v.get_or(kF_target, kRankProcNull);
  if (t < 0) return;  // MPI_PROC_NULL or an invalid rank
  bool nested = open_access_conflicts(s, e);
  if (nested || (ev.returned && ev.rc != 0)) return;
  bool in_fence = s.fence_epoch.has_value();
  size_t idx = new_epoch(s, EpochKind::kLock, e);
  epochs_[idx].target = static_cast<int>(t);
  epochs_[idx].lock_type = static_cast<int>(v.get_or(kF_lock_type, kLockExclusive));
  s.locks[static_cast<int>(t)] = idx;
  if (s.may_mix_into_fence_epoch(in_fence)) s.access_since_fence.push_back(idx);
}

void EpochTracker::on_lock_all(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  bool nested = open_access_conflicts(s, e);
  if (nested || (ev.returned && ev.rc != 0)) return;
  bool in_fence = s.fence_epoch.has_value();
  size_t idx = new_epoch(s, EpochKind::kLockAll, e);
  epochs_[idx].lock_type = kLockShared;
  s.lock_all = idx;
  if (s.may_mix_into_fence_epoch(in_fence)) s.access_since_fence.push_back(idx);
}

void EpochTracker::on_start(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  bool nested = open_access_conflicts(s, e);
  if (nested || (ev.returned && ev.rc != 0)) return;
  bool in_fence = s.fence_epoch.has_value();
  size_t idx = new_epoch(s, EpochKind::kAccess, e);
  for (int64_t r : model_.view(e).array(kF_group)) epochs_[idx].group.push_back(static_cast<int>(r));
  s.start = idx;
  if (s.may_mix_into_fence_epoch(in_fence)) s.access_since_fence.push_back(idx);
}

void EpochTracker::on_unlock(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  const int64_t t64 = target_of(e);
  if (t64 < 0) return;
  const int t = static_cast<int>(t64);
  if (s.locks.count(t)) {
    if (ev.returned && ev.rc != 0) return;
    epochs_[s.locks[t]].close = e;
    s.locks.erase(t);
    s.closed_for[t] = e;
    return;
  }
  if (s.lock_all) {
    issue(EpochIssueKind::kUnlockInLockAll, s, {e, epochs_[*s.lock_all].open}).target = t;
  } else if (!s.locks.empty()) {
    const size_t idx = s.locks.rbegin()->second;
    EpochIssue& is = issue(EpochIssueKind::kUnlockOtherTarget, s, {e, epochs_[idx].open});
    is.target = t;
    is.epoch = idx;
  } else if (s.closed_for.count(t) && call_traits(model_.event(s.closed_for[t]).call).role == CallRole::kUnlock) {
    issue(EpochIssueKind::kUnlockAlreadyReleased, s, {e, s.closed_for[t]}).target = t;
  } else {
    issue(EpochIssueKind::kUnlockWithoutLock, s, {e}).target = t;
  }
}

void EpochTracker::on_unlock_all(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  if (s.lock_all) {
    if (ev.returned && ev.rc != 0) return;
    epochs_[*s.lock_all].close = e;
    s.lock_all.reset();
    s.closed_all = later(s.closed_all, e);
    return;
  }
  if (!s.locks.empty()) {
    issue(EpochIssueKind::kUnlockAllInLocks, s, {e, epochs_[s.locks.rbegin()->second].open}).ranks = s.locked_targets();
  } else if (s.closed_all && call_traits(model_.event(*s.closed_all).call).role == CallRole::kUnlockAll) {
    issue(EpochIssueKind::kUnlockAllAlreadyClosed, s, {e, *s.closed_all});
  } else {
    issue(EpochIssueKind::kUnlockAllWithoutLockAll, s, {e});
  }
}

void EpochTracker::on_flush(WinState& s, EventRef e) {
  const bool one = call_traits(model_.event(e).call).rank(kF_target) != nullptr;  // Win_flush(_local) of one target
  int t = -1;
  if (one) {
    const int64_t t64 = target_of(e);
    if (t64 < 0) return;
    t = static_cast<int>(t64);
    if (s.locks.count(t) || s.lock_all) return;
  } else if (!s.locks.empty() || s.lock_all) {
    return;
  }
  if (!s.locks.empty()) {
    EpochIssue& is = issue(EpochIssueKind::kFlushOtherTarget, s, {e, epochs_[s.locks.rbegin()->second].open});
    is.target = t;
    is.ranks = s.locked_targets();
  } else if (s.fence_epoch || s.start) {
    const size_t idx = s.start ? *s.start : *s.fence_epoch;
    EpochIssue& is = issue(EpochIssueKind::kFlushInActiveEpoch, s, {e, epochs_[idx].open});
    is.target = t;
    is.epoch = idx;
  } else {
    issue(EpochIssueKind::kFlushWithoutLock, s, {e}).target = t;
  }
}

void EpochTracker::on_complete(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  if (s.start) {
    if (ev.returned && ev.rc != 0) return;
    Epoch& ep = epochs_[*s.start];
    ep.close = e;
    for (int t : ep.group) s.closed_for[t] = e;
    s.start.reset();
    s.last_complete = e;
    return;
  }
  std::vector<EventRef> events{e};
  if (s.last_complete) events.push_back(*s.last_complete);
  issue(EpochIssueKind::kCompleteWithoutStart, s, std::move(events));
}

void EpochTracker::on_post(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  if (s.post) {
    issue(EpochIssueKind::kNestedPost, s, {epochs_[*s.post].open, e}).epoch = s.post;
    return;
  }
  if (ev.returned && ev.rc != 0) return;
  size_t idx = new_epoch(s, EpochKind::kExposure, e);
  for (int64_t r : model_.view(e).array(kF_group)) epochs_[idx].group.push_back(static_cast<int>(r));
  s.post = idx;
}

void EpochTracker::on_wait(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  if (s.post) {
    if (ev.returned && ev.rc != 0) return;
    // Win_test ends the epoch only when it returns flag = true.
    if (call_traits(ev.call).role == CallRole::kTest && (!ev.returned || model_.view(e).get_or(kF_flag, 0) == 0))
      return;
    epochs_[*s.post].close = e;
    s.post.reset();
    s.last_wait = e;
    return;
  }
  std::vector<EventRef> events{e};
  if (s.last_wait) events.push_back(*s.last_wait);
  issue(EpochIssueKind::kWaitWithoutPost, s, std::move(events));
}

}  // namespace rmacheck
