#include "detectors/epoch_wording.h"

#include <optional>

#include "call_traits.h"
#include "detectors/wording.h"

namespace rmacheck {

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

namespace {

using K = EpochIssueKind;

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

FindingCode unclosed_code(EpochKind k) {
  switch (k) {
    case EpochKind::kFence:
      return kCode_unclosed_fence;
    case EpochKind::kLock:
      return kCode_unclosed_lock;
    case EpochKind::kLockAll:
      return kCode_unclosed_lock_all;
    case EpochKind::kAccess:
      return kCode_unclosed_win_start;
    case EpochKind::kExposure:
      return kCode_unclosed_win_post;
  }
  return kNoCode;
}

FindingCode fence_inside_code(EpochKind k) {
  switch (k) {
    case EpochKind::kLock:
      return kCode_fence_in_lock;
    case EpochKind::kLockAll:
      return kCode_fence_in_lock_all;
    case EpochKind::kAccess:
      return kCode_fence_in_start;
    default:
      return kCode_fence_in_post;
  }
}

// An access epoch of kind `k` inside a fence epoch.
FindingCode in_fence_epoch_code(EpochKind k) {
  switch (k) {
    case EpochKind::kLock:
      return kCode_lock_in_fence_epoch;
    case EpochKind::kLockAll:
      return kCode_lock_all_in_fence_epoch;
    default:
      return kCode_win_start_in_fence_epoch;
  }
}

EpochKind opened_kind(CallRole role) {
  return role == CallRole::kLock      ? EpochKind::kLock
         : role == CallRole::kLockAll ? EpochKind::kLockAll
                                      : EpochKind::kAccess;
}

CallRole role_of(const Model& model, EventRef e) { return call_traits(model.event(e).call).role; }

// Composes one finding: the issue's facts, and the words for them.
class Wording {
 public:
  Wording(const Model& model, const EpochTracker& tracker, const EpochIssue& is)
      : model_(model), is_(is), ep_(is.epoch ? &tracker.epochs()[*is.epoch] : nullptr) {}

  Finding finding(FindingCode code) {
    Finding f = coded_finding(code);
    f.window = win();
    f.message = message();
    f.accesses = sides();
    return f;
  }

 private:
  std::string win() const { return model_.window_name(is_.win); }
  std::string me() const { return "rank " + std::to_string(is_.rank); }
  std::string call(size_t i) const { return describe_call(model_, is_.events[i]); }
  std::string outcome(size_t i) const { return call_outcome(model_, is_.events[i]); }
  std::string t() const { return std::to_string(is_.target); }
  Access side(size_t i, std::string note) const {
    return call_access(is_.events[i], std::move(note), rma_target(model_, is_.events[i]));
  }

  std::string message() const {
    for (auto group : {&Wording::outside_epoch, &Wording::mixed_epochs, &Wording::closing, &Wording::unclosed})
      if (std::optional<std::string> m = (this->*group)()) return *m;
    return "?";
  }

  // An RMA call that no epoch covers.
  std::optional<std::string> outside_epoch() const {
    switch (is_.kind) {
      case K::kRmaWithoutEpoch:
        return outside() +
               "no MPI_Win_fence, MPI_Win_start, MPI_Win_lock or MPI_Win_lock_all precedes it on this window" +
               outcome(0);
      case K::kRmaAfterEpochClosed:
        return outside() + "the epoch covering rank " + t() + " was already closed by " + call(1) +
               " (issue the call before it, or open a new epoch)" + outcome(0);
      case K::kRmaAfterNosucceed:
        return outside() + "the MPI_Win_fence before it asserted MPI_MODE_NOSUCCEED, so no fence epoch is open" +
               outcome(0);
      case K::kNosucceedBrokenByFence:
        return me() + ": " + call(0) + " on window '" + win() +
               "' follows MPI_Win_fence(MPI_MODE_NOSUCCEED), which promised that no RMA call follows "
               "it before the next fence: the call has no access epoch (drop MPI_MODE_NOSUCCEED)" +
               outcome(0);
      case K::kTargetNotInStartGroup:
        return outside() + "rank " + t() +
               " is not in the group of the MPI_Win_start that opened the current access epoch (" +
               (ep_->group.empty() ? std::string("empty group") : rank_list(ep_->group)) + ")" + outcome(0);
      case K::kTargetNotLocked:
        return outside() + "it holds a lock on " + rank_list(is_.ranks) + " but not on rank " + t() + " (lock rank " +
               t() + " too, or use MPI_Win_lock_all)" + outcome(0);
      default:
        return std::nullopt;
    }
  }

  // An epoch opened inside another, or a fence inside another kind of epoch.
  std::optional<std::string> mixed_epochs() const {
    switch (is_.kind) {
      case K::kNestedLock:
        return nested("while this rank already holds a lock on rank " + t() + " (opened by " + call(0) +
                      " and not yet unlocked): locks on one target do not nest");
      case K::kLockInLockAll:
        return nested("while MPI_Win_lock_all is held: lock_all already locks every target");
      case K::kNestedLockAll:
        return nested("while MPI_Win_lock_all is already held (lock_all twice)");
      case K::kLockAllInLock:
        return nested("while this rank holds a lock on rank " + std::to_string(ep_->target) + " (unlock it first)");
      case K::kNestedStart:
        return nested("while the access epoch of an earlier MPI_Win_start is still open (missing MPI_Win_complete)");
      case K::kStartInLock:
        return nested("while this rank holds a lock on rank " + std::to_string(ep_->target) +
                      ": PSCW and passive-target epochs do not mix");
      case K::kStartInLockAll:
        return nested("while MPI_Win_lock_all is held: PSCW and passive-target epochs do not mix");
      case K::kLockInStart:
        return nested("inside the PSCW access epoch opened by MPI_Win_start (missing MPI_Win_complete before it)");
      case K::kAccessEpochInFenceEpoch:
        return me() + ": " + call(2) + " on window '" + win() + "' is called inside the fence epoch opened by " +
               call(0) +
               " (RMA calls already followed that fence): epochs do not nest or mix "
               "(close the fence epoch with MPI_Win_fence(MPI_MODE_NOSUCCEED) first)" +
               outcome(2);
      case K::kAccessEpochMixedIntoFence:
        return me() + ": " + call(1) + " on window '" + win() +
               "' opens an epoch inside a fence epoch: RMA calls were issued between the MPI_Win_fence before it and "
               "the MPI_Win_fence after it, so those fences delimit an access epoch and the " +
               epoch_kind_name(ep_->kind) +
               " epoch mixes into it. The program is correct when that first fence is "
               "MPI_Win_fence(MPI_MODE_NOSUCCEED, ...) on every member of the window (no fence epoch follows it; "
               "both MPI libraries accept the code as it is, but MPI-3.1 11.5 does not)";
      case K::kFenceInEpoch:
        return fence_inside();
      default:
        return std::nullopt;
    }
  }

  // A closing or flushing call without the epoch it needs.
  std::optional<std::string> closing() const {
    switch (is_.kind) {
      case K::kUnlockInLockAll:
        return unlock_head() +
               "the passive-target epoch was opened by MPI_Win_lock_all and must be closed by MPI_Win_unlock_all" +
               outcome(0);
      case K::kUnlockOtherTarget:
        return unlock_head() + "the lock held is on rank " + std::to_string(ep_->target) + ", not on rank " + t() +
               outcome(0);
      case K::kUnlockAlreadyReleased:
        return unlock_head() + "the lock on rank " + t() + " was already released by an earlier MPI_Win_unlock" +
               outcome(0);
      case K::kUnlockWithoutLock:
        return unlock_head() + "no lock on rank " + t() + " is held" + outcome(0);
      case K::kUnlockAllInLocks:
        return unlock_all_head() + "the epochs open were opened by MPI_Win_lock on " + rank_list(is_.ranks) +
               " and need MPI_Win_unlock" + outcome(0);
      case K::kUnlockAllAlreadyClosed:
        return unlock_all_head() + "the lock_all epoch was already closed by an earlier MPI_Win_unlock_all" +
               outcome(0);
      case K::kUnlockAllWithoutLockAll:
        return unlock_all_head() + "no MPI_Win_lock_all is held" + outcome(0);
      case K::kFlushOtherTarget:
        return flush_head() + "the locks held are on " + rank_list(is_.ranks) +
               " (flush a locked target, or lock rank " + t() + ")" + outcome(0);
      case K::kFlushInActiveEpoch:
        return flush_head() + "it is called inside the " + std::string(epoch_kind_name(ep_->kind)) +
               " epoch opened by " + call(1) +
               "; MPI_Win_flush* may only be called between MPI_Win_lock/lock_all and the unlock" + outcome(0);
      case K::kFlushWithoutLock:
        return flush_head() + "MPI_Win_flush* may only be called between MPI_Win_lock/lock_all and the unlock" +
               outcome(0);
      case K::kCompleteWithoutStart:
        return me() + ": MPI_Win_complete on window '" + win() + "' without a matching MPI_Win_start: " +
               (is_.events.size() > 1 ? "the access epoch was already closed by an earlier MPI_Win_complete"
                                      : "no MPI_Win_start opened an access epoch") +
               outcome(0);
      case K::kNestedPost:
        return me() + ": MPI_Win_post on window '" + win() +
               "' while the exposure epoch of an earlier MPI_Win_post is still open (missing MPI_Win_wait)" +
               outcome(1);
      case K::kWaitWithoutPost:
        return me() + ": " + name(0) + " on window '" + win() + "' without a matching MPI_Win_post: " +
               (is_.events.size() > 1 ? "the exposure epoch was already ended by an earlier " + name(1)
                                      : std::string("no MPI_Win_post opened an exposure epoch")) +
               outcome(0);
      default:
        return std::nullopt;
    }
  }

  // Where the rank was when the run was stopped: its stop note, or its last call.
  std::string stopped_where() const {
    const Event& e = model_.event(is_.events[1]);
    if (e.call != kCall_Stopped) return " was last in " + name(1);
    const RankLog* log = model_.rank_log(is_.events[1].rank);
    return log && log->stopped_in_rmacheck(is_.events[1].index) ? " was stopped inside rmacheck's own code"
                                                                : " was stopped outside any MPI call";
  }

  // An epoch left open.
  std::optional<std::string> unclosed() const {
    switch (is_.kind) {
      case K::kUnclosedEpoch:
        return me() + ": " + unclosed_what() + " is still open at " + name(1) + " (missing " + fix() + " before it)";
      case K::kUnclosedWhenStopped:
        return me() + ": " + unclosed_what() + " was still open when the run was stopped (rank " +
               std::to_string(is_.rank) + stopped_where() + "; missing " + fix() + ")";
      default:
        return std::nullopt;
    }
  }

  std::vector<Access> sides() const {
    switch (is_.kind) {
      case K::kRmaWithoutEpoch:
        return {side(0, "RMA call without epoch")};
      case K::kRmaAfterEpochClosed:
        return {side(0, "RMA call"), side(1, "epoch closed here")};
      case K::kRmaAfterNosucceed:
      case K::kNosucceedBrokenByFence:
        return {side(0, "RMA call"), side(1, "fence with MPI_MODE_NOSUCCEED")};
      case K::kTargetNotInStartGroup:
        return {side(0, "RMA call"), side(1, "access epoch without the target")};
      case K::kTargetNotLocked:
        return {side(0, "RMA call"), side(1, "lock on another target")};
      case K::kNestedLock:
      case K::kLockInLockAll:
      case K::kNestedLockAll:
      case K::kLockAllInLock:
      case K::kNestedStart:
      case K::kStartInLock:
      case K::kStartInLockAll:
      case K::kLockInStart:
        return {side(0, "epoch still open"), side(1, "nested epoch")};
      case K::kAccessEpochInFenceEpoch:
        return {side(0, "fence epoch starts here"), side(1, "RMA call in the fence epoch"),
                side(2, "epoch opened inside it")};
      case K::kAccessEpochMixedIntoFence:
        return {side(0, "fence epoch starts here"), side(1, "epoch opened inside it"),
                side(2, "fence ending the fence epoch")};
      case K::kFenceInEpoch:
        return {side(0, "epoch opened here"), side(1, "fence inside it")};
      case K::kUnlockInLockAll:
        return {side(0, "unlock"), side(1, "epoch opened by lock_all")};
      case K::kUnlockOtherTarget:
        return {side(0, "unlock"), side(1, "lock on another target")};
      case K::kUnlockAlreadyReleased:
        return {side(0, "unlock"), side(1, "lock released here")};
      case K::kUnlockWithoutLock:
        return {side(0, "unlock without lock")};
      case K::kUnlockAllInLocks:
        return {side(0, "unlock_all"), side(1, "lock")};
      case K::kUnlockAllAlreadyClosed:
        return {side(0, "unlock_all"), side(1, "lock_all epoch closed here")};
      case K::kUnlockAllWithoutLockAll:
        return {side(0, "unlock_all without lock_all")};
      case K::kFlushOtherTarget:
        return {side(0, "flush"), side(1, "lock on another target")};
      case K::kFlushInActiveEpoch:
        return {side(0, "flush"), side(1, "active-target epoch")};
      case K::kFlushWithoutLock:
        return {side(0, "flush without lock")};
      case K::kCompleteWithoutStart:
        if (is_.events.size() > 1) return {side(0, "complete without start"), side(1, "access epoch closed here")};
        return {side(0, "complete without start")};
      case K::kNestedPost:
        return {side(0, "exposure epoch still open"), side(1, "second post")};
      case K::kWaitWithoutPost:
        if (is_.events.size() > 1) return {side(0, name(0) + " without post"), side(1, "exposure epoch ended here")};
        return {side(0, name(0) + " without post")};
      case K::kUnclosedEpoch:
        return {side(0, "epoch opened here"), side(1, name(1) + " reached with the epoch open")};
      case K::kUnclosedWhenStopped:
        return {side(0, "epoch opened here"), side(1, "the rank's log ended here")};
    }
    return {};
  }

  std::string name(size_t i) const { return model_.event(is_.events[i]).name(); }
  // An RMA call no epoch covers.
  std::string outside() const {
    return me() + ": " + call(0) + " on window '" + win() + "' is outside any access epoch: ";
  }
  // A lock/lock_all/start (events[1]) while the epoch opened by events[0] is open.
  std::string nested(const std::string& why) const {
    return me() + ": " + call(1) + " on window '" + win() + "' " + why + outcome(1);
  }
  std::string fence_inside() const {
    std::string what, fix;
    switch (ep_->kind) {
      case EpochKind::kLock:
        what = "passive-target epoch", fix = "MPI_Win_unlock(" + std::to_string(ep_->target) + ")";
        break;
      case EpochKind::kLockAll:
        what = "passive-target epoch", fix = "MPI_Win_unlock_all";
        break;
      case EpochKind::kAccess:
        what = "PSCW access epoch", fix = "MPI_Win_complete";
        break;
      default:
        what = "PSCW exposure epoch", fix = "MPI_Win_wait";
        break;
    }
    return me() + ": MPI_Win_fence on window '" + win() + "' is called inside the " + what + " opened by " + call(0) +
           ": epochs do not nest or mix (call " + fix + " before the fence)" + outcome(1);
  }
  std::string unlock_head() const {
    return me() + ": MPI_Win_unlock on rank " + t() + " on window '" + win() + "' without a matching MPI_Win_lock: ";
  }
  std::string unlock_all_head() const {
    return me() + ": MPI_Win_unlock_all on window '" + win() + "' without a matching MPI_Win_lock_all: ";
  }
  std::string flush_head() const {
    return me() + ": " + call(0) + " on window '" + win() + "' is outside a passive-target epoch" +
           (is_.target >= 0 ? " on rank " + t() : std::string()) + ": ";
  }
  std::string unclosed_what() const {
    const std::string in = " epoch on window '" + win() + "' opened by ";
    switch (ep_->kind) {
      case EpochKind::kFence:
        return "the fence" + in + describe_call(model_, ep_->open) +
               (ep_->rma_count == 0 ? std::string() : " (followed by " + describe_call(model_, ep_->first_rma) + ")");
      case EpochKind::kLock:
        return "the passive-target" + in + describe_call(model_, ep_->open);
      case EpochKind::kLockAll:
        return "the passive-target" + in + "MPI_Win_lock_all";
      case EpochKind::kAccess:
        return "the access" + in + "MPI_Win_start";
      case EpochKind::kExposure:
        return "the exposure" + in + "MPI_Win_post";
    }
    return "?";
  }
  std::string fix() const {
    return ep_->kind == EpochKind::kLock ? "MPI_Win_unlock(" + std::to_string(ep_->target) + ")"
                                         : closing_call(ep_->kind);
  }

  const Model& model_;
  const EpochIssue& is_;
  const Epoch* ep_;
};

}  // namespace

FindingCode epoch_issue_code(const Model& model, const EpochTracker& tracker, const EpochIssue& is) {
  const Epoch* ep = is.epoch ? &tracker.epochs()[*is.epoch] : nullptr;
  switch (is.kind) {
    case K::kRmaWithoutEpoch:
      return kCode_rma_without_epoch;
    case K::kRmaAfterEpochClosed:
      return kCode_rma_after_epoch_closed;
    case K::kRmaAfterNosucceed:
      return kCode_rma_after_nosucceed;
    case K::kNosucceedBrokenByFence:
      return kCode_rma_after_nosucceed_fence;
    case K::kTargetNotInStartGroup:
      return kCode_target_not_in_start_group;
    case K::kTargetNotLocked:
      return kCode_target_not_locked;
    case K::kNestedLock:
      return kCode_nested_lock;
    case K::kLockInLockAll:
      return kCode_lock_in_lock_all;
    case K::kNestedLockAll:
      return kCode_nested_lock_all;
    case K::kLockAllInLock:
      return kCode_lock_all_in_lock;
    case K::kNestedStart:
      return kCode_nested_start;
    case K::kStartInLock:
      return kCode_start_in_lock;
    case K::kStartInLockAll:
      return kCode_start_in_lock_all;
    case K::kLockInStart:
      return role_of(model, is.events[1]) == CallRole::kLock ? kCode_lock_in_start : kCode_lock_all_in_start;
    case K::kAccessEpochInFenceEpoch:
      return in_fence_epoch_code(opened_kind(role_of(model, is.events[2])));
    case K::kAccessEpochMixedIntoFence:
      return in_fence_epoch_code(ep->kind);
    case K::kFenceInEpoch:
      return fence_inside_code(ep->kind);
    case K::kUnlockInLockAll:
      return kCode_unlock_in_lock_all;
    case K::kUnlockOtherTarget:
      return kCode_unlock_other_target;
    case K::kUnlockAlreadyReleased:
    case K::kUnlockWithoutLock:
      return kCode_unlock_without_lock;
    case K::kUnlockAllInLocks:
    case K::kUnlockAllAlreadyClosed:
    case K::kUnlockAllWithoutLockAll:
      return kCode_unlock_all_without_lock_all;
    case K::kFlushOtherTarget:
    case K::kFlushInActiveEpoch:
    case K::kFlushWithoutLock:
      return kCode_flush_outside_passive;
    case K::kCompleteWithoutStart:
      return kCode_complete_without_start;
    case K::kNestedPost:
      return kCode_nested_post;
    case K::kWaitWithoutPost:
      return role_of(model, is.events[0]) == CallRole::kTest ? kCode_test_without_post : kCode_wait_without_post;
    case K::kUnclosedEpoch:
    case K::kUnclosedWhenStopped:
      return unclosed_code(ep->kind);
  }
  return kNoCode;
}

Finding epoch_issue_finding(const Model& model, const EpochTracker& tracker, const EpochIssue& is) {
  return Wording(model, tracker, is).finding(epoch_issue_code(model, tracker, is));
}

std::string open_at_death_note(int rank, int open, bool logging_stopped) {
  return "rank " + std::to_string(rank) + " had " + std::to_string(open) + " RMA epoch(s) open when its log " +
         (logging_stopped ? "stopped (disk full)" : "ended (the run died)") + ": not reported as unclosed";
}

}  // namespace rmacheck
