#include "model/epoch_tracker.h"

#include <algorithm>

namespace rmacheck {

namespace {

bool has_bit(int bits, int b) { return (bits & b) != 0; }

// The event that comes last in program order (same rank).
std::optional<EventRef> later(std::optional<EventRef> a, std::optional<EventRef> b) {
  if (!a) return b;
  if (!b) return a;
  return a->index < b->index ? b : a;
}

const char* closing_call(EpochKind k) {
  switch (k) {
    case EpochKind::kFence:
      return "a closing MPI_Win_fence";
    case EpochKind::kLock:
      return "MPI_Win_unlock";
    case EpochKind::kLockAll:
      return "MPI_Win_unlock_all";
    case EpochKind::kAccess:
      return "MPI_Win_complete";
    case EpochKind::kExposure:
      return "MPI_Win_wait";
  }
  return "?";
}

}  // namespace

bool is_rma_call(CallId c) {
  switch (c) {
    case kCall_Put:
    case kCall_Get:
    case kCall_Accumulate:
    case kCall_Get_accumulate:
    case kCall_Fetch_and_op:
    case kCall_Compare_and_swap:
    case kCall_Rput:
    case kCall_Rget:
    case kCall_Raccumulate:
    case kCall_Rget_accumulate:
      return true;
    default:
      return false;
  }
}

bool is_accumulate_call(CallId c) {
  switch (c) {
    case kCall_Accumulate:
    case kCall_Get_accumulate:
    case kCall_Fetch_and_op:
    case kCall_Compare_and_swap:
    case kCall_Raccumulate:
    case kCall_Rget_accumulate:
      return true;
    default:
      return false;
  }
}

bool rma_updates_target(const Model& model, EventRef e) {
  const Event& ev = model.event(e);
  if (ev.call == kCall_Get || ev.call == kCall_Rget) return false;
  if (!is_rma_call(ev.call)) return false;
  if (ev.call == kCall_Compare_and_swap || ev.call == kCall_Put || ev.call == kCall_Rput) return true;
  return model.view(e).get_or(kF_op, -1) != kOp_MPI_NO_OP;
}

const char* rma_target_access(const Model& model, EventRef e) {
  const Event& ev = model.event(e);
  if (ev.call == kCall_Get || ev.call == kCall_Rget) return "read";
  if (ev.call == kCall_Put || ev.call == kCall_Rput) return "write";
  return rma_updates_target(model, e) ? "atomic" : "read";
}

std::string assert_names(int bits) {
  static const std::pair<int, const char*> names[] = {{kModeNoCheck, "MPI_MODE_NOCHECK"},
                                                      {kModeNoStore, "MPI_MODE_NOSTORE"},
                                                      {kModeNoPut, "MPI_MODE_NOPUT"},
                                                      {kModeNoPrecede, "MPI_MODE_NOPRECEDE"},
                                                      {kModeNoSucceed, "MPI_MODE_NOSUCCEED"}};
  std::string s;
  for (const auto& [bit, name] : names)
    if (bits & bit) s += (s.empty() ? "" : "|") + std::string(name);
  return s.empty() ? "0" : s;
}

std::string rank_list(const std::vector<int>& ranks) {
  std::string s = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) s += (i ? "," : "") + std::to_string(ranks[i]);
  return s;
}

namespace {
std::string target_words(int64_t t) {
  if (t == kRankProcNull) return "MPI_PROC_NULL";
  if (t <= -1000) return "invalid rank " + std::to_string(-1000 - t);
  return "rank " + std::to_string(t);
}
}  // namespace

std::string describe_call(const Model& model, EventRef e) {
  const Event& ev = model.event(e);
  EventView v = model.view(e);
  std::string s = ev.name();
  if (is_rma_call(ev.call)) {
    if (auto t = v.get(kF_target)) s += " to " + target_words(*t);
  } else if (ev.call == kCall_Win_lock || ev.call == kCall_Win_unlock || ev.call == kCall_Win_flush ||
             ev.call == kCall_Win_flush_local) {
    if (auto t = v.get(kF_target)) s += " on " + target_words(*t);
  } else if (ev.call == kCall_Win_fence || ev.call == kCall_Win_lock_all || ev.call == kCall_Win_post ||
             ev.call == kCall_Win_start) {
    int a = static_cast<int>(v.get_or(kF_assert, 0));
    if (a) s += "(" + assert_names(a) + ")";
  }
  return s;
}

std::string call_outcome(const Model& model, EventRef e) {
  const Event& ev = model.event(e);
  if (!ev.returned && !model.meta.stopped())
    return " (the job ended inside this call: the MPI library most likely aborted here)";
  if (ev.returned && ev.rc != 0) return " (MPI returned error code " + std::to_string(ev.rc) + ")";
  return "";
}

const char* epoch_kind_name(EpochKind k) {
  switch (k) {
    case EpochKind::kFence:
      return "fence";
    case EpochKind::kLock:
      return "lock";
    case EpochKind::kLockAll:
      return "lock_all";
    case EpochKind::kAccess:
      return "Win_start";
    case EpochKind::kExposure:
      return "Win_post";
  }
  return "?";
}

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
  std::vector<size_t> after_nosucceed;     // errors_: RMA after a NOSUCCEED fence, until a fence follows
  // Passive target and PSCW.
  std::map<int, size_t> locks;  // target -> epoch
  std::optional<size_t> lock_all, start, post;
  // For explanations: the last calls that closed epochs.
  std::map<int, EventRef> closed_for;  // target -> unlock / complete that closed an epoch covering it
  std::optional<EventRef> closed_all;  // unlock_all, or a NOSUCCEED fence
  std::optional<EventRef> last_complete, last_wait;
};

EpochTracker::EpochTracker(const Model& model) : model_(model) {
  for (const RankLog& log : model.logs) walk_rank(log);
}

const Epoch* EpochTracker::epoch_of(EventRef rma) const {
  auto it = epoch_of_rma_.find(rma);
  return it == epoch_of_rma_.end() ? nullptr : &epochs_[it->second];
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

Access EpochTracker::call_access(EventRef e, std::string note) const {
  Access a;
  a.event = e;
  a.access = "call";
  const Event& ev = model_.event(e);
  if (is_rma_call(ev.call)) {
    int64_t t = model_.view(e).get_or(kF_target, -1);
    if (t >= 0) a.target_rank = static_cast<int>(t);
  }
  a.note = std::move(note);
  return a;
}

void EpochTracker::error(const std::string& code, FindingKind kind, int64_t win, std::string message,
                         std::vector<Access> accesses) {
  EpochError err;
  err.code = code;
  err.finding.kind = kind;
  err.finding.message = std::move(message);
  err.finding.window = model_.window_name(win);
  err.finding.accesses = std::move(accesses);
  err.finding.details = {{"code", code}};
  errors_.push_back(std::move(err));
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
  auto state = [&](int64_t w) -> WinState& {
    WinState& s = wins[w];
    s.rank = log.rank;
    s.win = w;
    return s;
  };
  for (uint32_t i = 0; i < log.events.size(); ++i) {
    const Event& ev = log.events[i];
    EventRef ref{log.rank, i};
    EventView v = log.view(ev);
    if (auto nw = v.get(kF_new_win)) {
      wins.erase(*nw);  // a fresh window (ids are not reused, but be safe)
      continue;
    }
    if (ev.call == kCall_Finalize) {
      for (auto& [w, s] : wins) close_all(s, ref, "MPI_Finalize");
      wins.clear();
      continue;
    }
    auto w = v.get(kF_win);
    if (!w || *w == 0) continue;
    if (ev.call == kCall_Win_free) {
      close_all(state(*w), ref, "MPI_Win_free");
      wins.erase(*w);
      continue;
    }
    if (is_rma_call(ev.call)) {
      on_rma(state(*w), ref);
      continue;
    }
    switch (ev.call) {
      case kCall_Win_fence:
        on_fence(state(*w), ref);
        break;
      case kCall_Win_lock:
        on_lock(state(*w), ref);
        break;
      case kCall_Win_unlock:
        on_unlock(state(*w), ref);
        break;
      case kCall_Win_lock_all:
        on_lock_all(state(*w), ref);
        break;
      case kCall_Win_unlock_all:
        on_unlock_all(state(*w), ref);
        break;
      case kCall_Win_flush:
      case kCall_Win_flush_all:
      case kCall_Win_flush_local:
      case kCall_Win_flush_local_all:
        on_flush(state(*w), ref);
        break;
      case kCall_Win_start:
        on_start(state(*w), ref);
        break;
      case kCall_Win_complete:
        on_complete(state(*w), ref);
        break;
      case kCall_Win_post:
        on_post(state(*w), ref);
        break;
      case kCall_Win_wait:
      case kCall_Win_test:
        on_wait(state(*w), ref);
        break;
      default:
        break;
    }
  }
  if (log.finished || log.events.empty()) return;
  EventRef last{log.rank, static_cast<uint32_t>(log.events.size() - 1)};
  if (model_.meta.stopped()) {  // --timeout or an interruption: the epochs were cut short, not left open
    for (auto& [w, s] : wins) close_all(s, last, nullptr);
    return;
  }
  int open = 0;
  for (auto& [w, s] : wins)
    open += static_cast<int>(s.locks.size()) + (s.lock_all ? 1 : 0) + (s.start ? 1 : 0) + (s.post ? 1 : 0) +
            (s.fence_epoch ? 1 : 0);
  if (open)
    notes_.push_back("rank " + std::to_string(log.rank) + " had " + std::to_string(open) +
                     " RMA epoch(s) open when its log ended (the run died): not reported as unclosed");
}

// Every epoch still open on this window is reported as unclosed at `at`
// (Win_free, Finalize, or the last event of a hung rank when where == nullptr).
void EpochTracker::close_all(WinState& s, EventRef at, const char* where) {
  std::vector<size_t> open;
  for (auto& [t, idx] : s.locks) open.push_back(idx);
  if (s.lock_all) open.push_back(*s.lock_all);
  if (s.start) open.push_back(*s.start);
  if (s.post) open.push_back(*s.post);
  if (s.fence_epoch) open.push_back(*s.fence_epoch);
  std::sort(open.begin(), open.end());
  const std::string win = model_.window_name(s.win);
  for (size_t idx : open) {
    Epoch& ep = epochs_[idx];
    ep.left_open_at = at;
    if (!where) {
      if (!model_.event(ep.open).returned) continue;  // blocked opening it: it never opened
      // Already explained by an error on the same two calls (e.g. a nested lock the rank is blocked in).
      bool explained = false;
      for (const EpochError& err : errors_) {
        bool has_open = false, has_at = false;
        for (const Access& a : err.finding.accesses) {
          has_open |= a.event == ep.open;
          has_at |= a.event == at;
        }
        explained |= has_open && has_at;
      }
      if (explained) continue;
    }
    std::string what;
    switch (ep.kind) {
      case EpochKind::kFence:
        what = "the fence epoch on window '" + win + "' opened by " + describe_call(model_, ep.open) +
               (ep.rmas.empty() ? std::string() : " (followed by " + describe_call(model_, ep.rmas.front()) + ")");
        break;
      case EpochKind::kLock:
        what = "the passive-target epoch on window '" + win + "' opened by " + describe_call(model_, ep.open);
        break;
      case EpochKind::kLockAll:
        what = "the passive-target epoch on window '" + win + "' opened by MPI_Win_lock_all";
        break;
      case EpochKind::kAccess:
        what = "the access epoch on window '" + win + "' opened by MPI_Win_start";
        break;
      case EpochKind::kExposure:
        what = "the exposure epoch on window '" + win + "' opened by MPI_Win_post";
        break;
    }
    std::string fix =
        ep.kind == EpochKind::kLock ? "MPI_Win_unlock(" + std::to_string(ep.target) + ")" : closing_call(ep.kind);
    std::string msg;
    std::string at_note;
    if (where) {
      msg = "rank " + std::to_string(s.rank) + ": " + what + " is still open at " + where + " (missing " + fix +
            " before it)";
      at_note = std::string(where) + " reached with the epoch open";
    } else {
      msg = "rank " + std::to_string(s.rank) + ": " + what + " was still open when the run was stopped (rank " +
            std::to_string(s.rank) + " was last in " + model_.event(at).name() + "; missing " + fix + ")";
      at_note = "the rank's log ended here";
    }
    error(std::string("unclosed-") + epoch_kind_name(ep.kind), kKind_unclosed_epoch, s.win, msg,
          {call_access(ep.open, "epoch opened here"), call_access(at, at_note)});
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
  const std::string win = model_.window_name(s.win);
  const std::string me = "rank " + std::to_string(s.rank);
  s.fence_count++;
  fences_[{s.rank, s.win}].push_back(e);

  // A fence inside another kind of epoch.
  auto inside = [&](size_t idx, const std::string& code, const std::string& what, const std::string& fix) {
    error(code, kKind_epoch_mismatch, s.win,
          me + ": MPI_Win_fence on window '" + win + "' is called inside the " + what + " opened by " +
              describe_call(model_, epochs_[idx].open) + ": epochs do not nest or mix (call " + fix +
              " before the fence)" + call_outcome(model_, e),
          {call_access(epochs_[idx].open, "epoch opened here"), call_access(e, "fence inside it")});
  };
  for (auto& [t, idx] : s.locks)
    inside(idx, "fence-in-lock", "passive-target epoch", "MPI_Win_unlock(" + std::to_string(t) + ")");
  if (s.lock_all) inside(*s.lock_all, "fence-in-lock-all", "passive-target epoch", "MPI_Win_unlock_all");
  if (s.start) inside(*s.start, "fence-in-start", "PSCW access epoch", "MPI_Win_complete");
  if (s.post) inside(*s.post, "fence-in-post", "PSCW exposure epoch", "MPI_Win_wait");

  // Lock/start epochs inside the fence epoch that this fence ends (see the header's reading of 11.5.1).
  if (s.last_fence && !has_bit(s.last_fence_assert, kModeNoSucceed) && s.first_rma_since_fence &&
      !has_bit(a, kModeNoPrecede)) {
    for (size_t idx : s.access_since_fence) {
      const Epoch& ep = epochs_[idx];
      if (!ep.close) continue;  // still open: reported above as a fence inside that epoch
      error(std::string(epoch_kind_name(ep.kind)) + "-in-fence-epoch", kKind_epoch_mismatch, s.win,
            me + ": " + describe_call(model_, ep.open) + " on window '" + win +
                "' opens an epoch inside a fence epoch: RMA calls were issued between the MPI_Win_fence before it and "
                "the MPI_Win_fence after it, so those fences delimit an access epoch and the " +
                epoch_kind_name(ep.kind) +
                " epoch mixes into it. The program is correct when that first fence is "
                "MPI_Win_fence(MPI_MODE_NOSUCCEED, ...) on every member of the window (no fence epoch follows it; "
                "both MPI libraries accept the code as it is, but MPI-3.1 11.5 does not)",
            {call_access(*s.last_fence, "fence epoch starts here"), call_access(ep.open, "epoch opened inside it"),
             call_access(e, "fence ending the fence epoch")});
    }
  }
  // RMA after a NOSUCCEED fence, now followed by a fence: the assertion was the mistake.
  for (size_t idx : s.after_nosucceed) {
    EpochError& err = errors_[idx];
    err.code = "rma-after-nosucceed";
    err.finding.kind = kKind_assert_violation;
    err.finding.details["code"] = err.code;
    const EventRef rma = err.finding.accesses[0].event;
    err.finding.message = me + ": " + describe_call(model_, rma) + " on window '" + win +
                          "' follows MPI_Win_fence(MPI_MODE_NOSUCCEED), which promised that no RMA call follows "
                          "it before the next fence: the call has no access epoch (drop MPI_MODE_NOSUCCEED)" +
                          call_outcome(model_, rma);
  }
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
  if (t64 == kRankProcNull || t64 < 0) return;  // no-op, or invalid rank (invalid-rma-arg)
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
    epochs_[*cover].rmas.push_back(e);
    epoch_of_rma_[e] = *cover;
    return;
  }

  const std::string win = model_.window_name(s.win);
  const std::string head = "rank " + std::to_string(s.rank) + ": " + describe_call(model_, e) + " on window '" + win +
                           "' is outside any access epoch: ";
  const std::string outcome = call_outcome(model_, e);
  auto closed_for = s.closed_for.count(t) ? std::optional<EventRef>(s.closed_for[t]) : std::nullopt;
  std::optional<EventRef> closer = later(closed_for, s.closed_all);
  if (s.start) {
    const Epoch& ep = epochs_[*s.start];
    std::vector<int> g(ep.group.begin(), ep.group.end());
    error("target-not-in-start-group", kKind_missing_epoch, s.win,
          head + "rank " + std::to_string(t) +
              " is not in the group of the MPI_Win_start that opened the current access epoch (" +
              (g.empty() ? std::string("empty group") : rank_list(g)) + ")" + outcome,
          {call_access(e, "RMA call"), call_access(ep.open, "access epoch without the target")});
  } else if (!s.locks.empty()) {
    std::vector<int> held;
    size_t latest = 0;
    for (auto& [lt, idx] : s.locks) {
      held.push_back(lt);
      latest = std::max(latest, idx);
    }
    error("target-not-locked", kKind_missing_epoch, s.win,
          head + "it holds a lock on " + rank_list(held) + " but not on rank " + std::to_string(t) + " (lock rank " +
              std::to_string(t) + " too, or use MPI_Win_lock_all)" + outcome,
          {call_access(e, "RMA call"), call_access(epochs_[latest].open, "lock on another target")});
  } else if (closer && s.last_fence && *closer == *s.last_fence) {
    error("rma-after-nosucceed", kKind_missing_epoch, s.win,
          head + "the MPI_Win_fence before it asserted MPI_MODE_NOSUCCEED, so no fence epoch is open" + outcome,
          {call_access(e, "RMA call"), call_access(*s.last_fence, "fence with MPI_MODE_NOSUCCEED")});
    s.after_nosucceed.push_back(errors_.size() - 1);
  } else if (closer) {
    error("rma-after-epoch-closed", kKind_missing_epoch, s.win,
          head + "the epoch covering rank " + std::to_string(t) + " was already closed by " +
              describe_call(model_, *closer) + " (issue the call before it, or open a new epoch)" + outcome,
          {call_access(e, "RMA call"), call_access(*closer, "epoch closed here")});
  } else {
    error(
        "rma-without-epoch", kKind_missing_epoch, s.win,
        head + "no MPI_Win_fence, MPI_Win_start, MPI_Win_lock or MPI_Win_lock_all precedes it on this window" + outcome,
        {call_access(e, "RMA call without epoch")});
  }
}

// A new lock/lock_all/start access epoch at `e`: reports the access epochs
// it would overlap. Returns true if one of them makes the call ineffective
// as an opening call (a second epoch of the same kind and target).
bool EpochTracker::open_access_conflicts(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  const std::string win = model_.window_name(s.win);
  const std::string me = "rank " + std::to_string(s.rank) + ": ";
  const std::string call = describe_call(model_, e);
  const std::string outcome = call_outcome(model_, e);
  const int t = ev.call == kCall_Win_lock ? static_cast<int>(model_.view(e).get_or(kF_target, -1)) : -1;
  bool same_kind = false;
  auto report = [&](const std::string& code, size_t idx, const std::string& why) {
    error(code, kKind_epoch_mismatch, s.win, me + call + " on window '" + win + "' " + why + outcome,
          {call_access(epochs_[idx].open, "epoch still open"), call_access(e, "nested epoch")});
  };
  if (ev.call == kCall_Win_lock) {
    if (s.locks.count(t)) {
      report("nested-lock", s.locks[t],
             "while this rank already holds a lock on rank " + std::to_string(t) + " (opened by " +
                 describe_call(model_, epochs_[s.locks[t]].open) +
                 " and not yet unlocked): locks on one target do not nest");
      same_kind = true;
    }
    if (s.lock_all)
      report("lock-in-lock-all", *s.lock_all, "while MPI_Win_lock_all is held: lock_all already locks every target");
  } else if (ev.call == kCall_Win_lock_all) {
    if (s.lock_all) {
      report("nested-lock-all", *s.lock_all, "while MPI_Win_lock_all is already held (lock_all twice)");
      same_kind = true;
    }
    for (auto& [lt, idx] : s.locks)
      if (!s.lock_all)  // locks taken inside a lock_all were reported when taken
        report("lock-all-in-lock", idx,
               "while this rank holds a lock on rank " + std::to_string(lt) + " (unlock it first)");
  } else if (ev.call == kCall_Win_start) {
    if (s.start) {
      report("nested-start", *s.start,
             "while the access epoch of an earlier MPI_Win_start is still open (missing MPI_Win_complete)");
      same_kind = true;
    }
    for (auto& [lt, idx] : s.locks)
      report(
          "start-in-lock", idx,
          "while this rank holds a lock on rank " + std::to_string(lt) + ": PSCW and passive-target epochs do not mix");
    if (s.lock_all)
      report("start-in-lock-all", *s.lock_all,
             "while MPI_Win_lock_all is held: PSCW and passive-target epochs do not mix");
  }
  if (ev.call != kCall_Win_start && s.start)
    report(ev.call == kCall_Win_lock ? "lock-in-start" : "lock-all-in-start", *s.start,
           "inside the PSCW access epoch opened by MPI_Win_start (missing MPI_Win_complete before it)");
  if (s.fence_epoch) {
    const Epoch& fe = epochs_[*s.fence_epoch];
    std::string kind = ev.call == kCall_Win_lock ? "lock" : ev.call == kCall_Win_lock_all ? "lock_all" : "Win_start";
    error(kind + "-in-fence-epoch", kKind_epoch_mismatch, s.win,
          me + call + " on window '" + win + "' is called inside the fence epoch opened by " +
              describe_call(model_, fe.open) +
              " (RMA calls already followed that fence): epochs do not nest or mix "
              "(close the fence epoch with MPI_Win_fence(MPI_MODE_NOSUCCEED) first)" +
              outcome,
          {call_access(fe.open, "fence epoch starts here"), call_access(fe.rmas.front(), "RMA call in the fence epoch"),
           call_access(e, "epoch opened inside it")});
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
  if (s.last_fence && !has_bit(s.last_fence_assert, kModeNoSucceed) && !in_fence) s.access_since_fence.push_back(idx);
}

void EpochTracker::on_lock_all(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  bool nested = open_access_conflicts(s, e);
  if (nested || (ev.returned && ev.rc != 0)) return;
  bool in_fence = s.fence_epoch.has_value();
  size_t idx = new_epoch(s, EpochKind::kLockAll, e);
  epochs_[idx].lock_type = kLockShared;
  s.lock_all = idx;
  if (s.last_fence && !has_bit(s.last_fence_assert, kModeNoSucceed) && !in_fence) s.access_since_fence.push_back(idx);
}

void EpochTracker::on_start(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  bool nested = open_access_conflicts(s, e);
  if (nested || (ev.returned && ev.rc != 0)) return;
  bool in_fence = s.fence_epoch.has_value();
  size_t idx = new_epoch(s, EpochKind::kAccess, e);
  for (int64_t r : model_.view(e).array(kF_group)) epochs_[idx].group.push_back(static_cast<int>(r));
  s.start = idx;
  if (s.last_fence && !has_bit(s.last_fence_assert, kModeNoSucceed) && !in_fence) s.access_since_fence.push_back(idx);
}

void EpochTracker::on_unlock(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  const int64_t t64 = model_.view(e).get_or(kF_target, kRankProcNull);
  if (t64 < 0) return;
  const int t = static_cast<int>(t64);
  if (s.locks.count(t)) {
    if (ev.returned && ev.rc != 0) return;
    epochs_[s.locks[t]].close = e;
    s.locks.erase(t);
    s.closed_for[t] = e;
    return;
  }
  const std::string head = "rank " + std::to_string(s.rank) + ": MPI_Win_unlock on rank " + std::to_string(t) +
                           " on window '" + model_.window_name(s.win) + "' without a matching MPI_Win_lock: ";
  const std::string outcome = call_outcome(model_, e);
  if (s.lock_all) {
    error("unlock-in-lock-all", kKind_epoch_mismatch, s.win,
          head + "the passive-target epoch was opened by MPI_Win_lock_all and must be closed by MPI_Win_unlock_all" +
              outcome,
          {call_access(e, "unlock"), call_access(epochs_[*s.lock_all].open, "epoch opened by lock_all")});
  } else if (!s.locks.empty()) {
    auto& [lt, idx] = *s.locks.rbegin();
    error("unlock-other-target", kKind_epoch_mismatch, s.win,
          head + "the lock held is on rank " + std::to_string(lt) + ", not on rank " + std::to_string(t) + outcome,
          {call_access(e, "unlock"), call_access(epochs_[idx].open, "lock on another target")});
  } else if (s.closed_for.count(t) && model_.event(s.closed_for[t]).call == kCall_Win_unlock) {
    error(
        "unlock-without-lock", kKind_epoch_mismatch, s.win,
        head + "the lock on rank " + std::to_string(t) + " was already released by an earlier MPI_Win_unlock" + outcome,
        {call_access(e, "unlock"), call_access(s.closed_for[t], "lock released here")});
  } else {
    error("unlock-without-lock", kKind_epoch_mismatch, s.win,
          head + "no lock on rank " + std::to_string(t) + " is held" + outcome,
          {call_access(e, "unlock without lock")});
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
  const std::string head = "rank " + std::to_string(s.rank) + ": MPI_Win_unlock_all on window '" +
                           model_.window_name(s.win) + "' without a matching MPI_Win_lock_all: ";
  const std::string outcome = call_outcome(model_, e);
  if (!s.locks.empty()) {
    std::vector<int> held;
    for (auto& [lt, idx] : s.locks) held.push_back(lt);
    error("unlock-all-without-lock-all", kKind_epoch_mismatch, s.win,
          head + "the epochs open were opened by MPI_Win_lock on " + rank_list(held) + " and need MPI_Win_unlock" +
              outcome,
          {call_access(e, "unlock_all"), call_access(epochs_[s.locks.rbegin()->second].open, "lock")});
  } else if (s.closed_all && model_.event(*s.closed_all).call == kCall_Win_unlock_all) {
    error("unlock-all-without-lock-all", kKind_epoch_mismatch, s.win,
          head + "the lock_all epoch was already closed by an earlier MPI_Win_unlock_all" + outcome,
          {call_access(e, "unlock_all"), call_access(*s.closed_all, "lock_all epoch closed here")});
  } else {
    error("unlock-all-without-lock-all", kKind_epoch_mismatch, s.win, head + "no MPI_Win_lock_all is held" + outcome,
          {call_access(e, "unlock_all without lock_all")});
  }
}

void EpochTracker::on_flush(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  const bool one = ev.call == kCall_Win_flush || ev.call == kCall_Win_flush_local;
  int t = -1;
  if (one) {
    int64_t t64 = model_.view(e).get_or(kF_target, kRankProcNull);
    if (t64 < 0) return;
    t = static_cast<int>(t64);
    if (s.locks.count(t) || s.lock_all) return;
  } else if (!s.locks.empty() || s.lock_all) {
    return;
  }
  std::string head = "rank " + std::to_string(s.rank) + ": " + describe_call(model_, e) + " on window '" +
                     model_.window_name(s.win) + "' is outside a passive-target epoch" +
                     (one ? " on rank " + std::to_string(t) : std::string()) + ": ";
  const std::string outcome = call_outcome(model_, e);
  if (!s.locks.empty()) {
    std::vector<int> held;
    for (auto& [lt, idx] : s.locks) held.push_back(lt);
    error("flush-outside-passive", kKind_epoch_mismatch, s.win,
          head + "the locks held are on " + rank_list(held) + " (flush a locked target, or lock rank " +
              std::to_string(t) + ")" + outcome,
          {call_access(e, "flush"), call_access(epochs_[s.locks.rbegin()->second].open, "lock on another target")});
  } else if (s.fence_epoch || s.start) {
    size_t idx = s.start ? *s.start : *s.fence_epoch;
    error("flush-outside-passive", kKind_epoch_mismatch, s.win,
          head + "it is called inside the " + std::string(epoch_kind_name(epochs_[idx].kind)) + " epoch opened by " +
              describe_call(model_, epochs_[idx].open) +
              "; MPI_Win_flush* may only be called between MPI_Win_lock/lock_all and the unlock" + outcome,
          {call_access(e, "flush"), call_access(epochs_[idx].open, "active-target epoch")});
  } else {
    error("flush-outside-passive", kKind_epoch_mismatch, s.win,
          head + "MPI_Win_flush* may only be called between MPI_Win_lock/lock_all and the unlock" + outcome,
          {call_access(e, "flush without lock")});
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
  std::vector<Access> acc{call_access(e, "complete without start")};
  std::string why = "no MPI_Win_start opened an access epoch";
  if (s.last_complete) {
    why = "the access epoch was already closed by an earlier MPI_Win_complete";
    acc.push_back(call_access(*s.last_complete, "access epoch closed here"));
  }
  error("complete-without-start", kKind_epoch_mismatch, s.win,
        "rank " + std::to_string(s.rank) + ": MPI_Win_complete on window '" + model_.window_name(s.win) +
            "' without a matching MPI_Win_start: " + why + call_outcome(model_, e),
        acc);
}

void EpochTracker::on_post(WinState& s, EventRef e) {
  const Event& ev = model_.event(e);
  if (s.post) {
    error("nested-post", kKind_epoch_mismatch, s.win,
          "rank " + std::to_string(s.rank) + ": MPI_Win_post on window '" + model_.window_name(s.win) +
              "' while the exposure epoch of an earlier MPI_Win_post is still open (missing MPI_Win_wait)" +
              call_outcome(model_, e),
          {call_access(epochs_[*s.post].open, "exposure epoch still open"), call_access(e, "second post")});
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
    if (ev.call == kCall_Win_test && (!ev.returned || model_.view(e).get_or(kF_flag, 0) == 0)) return;
    epochs_[*s.post].close = e;
    s.post.reset();
    s.last_wait = e;
    return;
  }
  std::vector<Access> acc{call_access(e, std::string(ev.name()) + " without post")};
  std::string why = "no MPI_Win_post opened an exposure epoch";
  if (s.last_wait) {
    why = "the exposure epoch was already ended by an earlier " + std::string(model_.event(*s.last_wait).name());
    acc.push_back(call_access(*s.last_wait, "exposure epoch ended here"));
  }
  error(ev.call == kCall_Win_test ? "test-without-post" : "wait-without-post", kKind_epoch_mismatch, s.win,
        "rank " + std::to_string(s.rank) + ": " + ev.name() + " on window '" + model_.window_name(s.win) +
            "' without a matching MPI_Win_post: " + why + call_outcome(model_, e),
        acc);
}

}  // namespace rmacheck
