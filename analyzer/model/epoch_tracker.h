// Per-rank, per-window RMA epoch state machine (rma-semantics.md section 5).
//
// The tracker walks every rank's events in program order and rebuilds, for
// each (rank, window), the sequence of epochs: fence epochs, lock and
// lock_all epochs (passive target), Win_start access epochs and Win_post
// exposure epochs, each with its opening and closing event and the RMA
// calls of that rank that it covers. On the way it records the errors that
// one rank's own event stream proves (RMA outside any epoch, nested or mixed
// epochs, closing calls without opening ones, epochs left open at Win_free,
// Finalize or the end of a hung run, NOSUCCEED broken by the same rank).
// Checks that need several ranks (fence counts, NOPRECEDE/NOPUT, PSCW group
// matching, lock contention) are done by the detectors from the epochs
// recorded here. Other analyses may use the tracker to name the epoch of an
// RMA call (epoch_of).
//
// Reading of the standard (MPI-3.1 section 11.5) encoded here:
// * A fence starts an access epoch only "if it is followed by another fence
//   call and by RMA communication calls issued between these two fence
//   calls" (11.5.1), and never when it asserts MPI_MODE_NOSUCCEED. So the
//   tracker opens a fence epoch lazily at the first RMA call after a fence
//   that no lock/lock_all/start epoch covers, and decides at the NEXT fence
//   whether a lock or start epoch was mixed into a fence epoch: if RMA calls
//   (in any epoch, the standard does not distinguish) were issued between the
//   two fences, the first one did start an access epoch and any lock,
//   lock_all or Win_start access epoch opened in between overlapped it
//   ("distinct access epochs for win at the same process must be disjoint").
//   Hence `fence; lock; put; unlock; Win_free` is legal (no second fence:
//   the first never started an epoch), `fence; lock; put; unlock; fence` is
//   not, and `fence(NOSUCCEED); lock; put; unlock; fence` is legal. When the
//   closing fence asserts MPI_MODE_NOPRECEDE the program states that this
//   fence completes no locally issued RMA, which is consistent with the RMA
//   calls belonging to the lock epoch: not reported either.
// * A fence while a lock, lock_all, Win_start or Win_post epoch is open is an
//   error (the fence would end or start epochs of another kind).
// * An exposure epoch (Win_post) may overlap access epochs of the same
//   process (11.5: "such an exposure epoch may overlap ... with access
//   epochs"), so post inside a lock epoch and lock inside a post epoch of the
//   same process are not errors by themselves; locking a window that its
//   owner has exposed is (11.5.3), and is checked across ranks by the epoch
//   detector with timestamps.
// * Multiple locks on DIFFERENT targets may be held at once (MPI-3); a
//   second lock on a target already locked, a lock while lock_all is held,
//   lock_all twice and lock_all while a lock is held are errors.
// * MPI_Win_flush* "can be called only within passive target epochs".
// * A call that returned an error code (rc != 0, e.g. under
//   MPI_ERRORS_RETURN) did nothing: it is checked but does not change the
//   state. A call that never returned (hang, or the job died inside it) is
//   taken as done: a blocked closing call still closes its epoch, but an
//   opening call (lock, start) that never returned opened nothing.
// * MPI_PROC_NULL targets are no-ops everywhere; invalid target ranks
//   (logged by encode_invalid_rank, log_format.h) are left to the
//   invalid-rma-arg detector.
// * An RMA call after a fence that asserted MPI_MODE_NOSUCCEED, not covered
//   by another epoch, is an assert-violation when the same rank calls a
//   fence on that window later (the program treats it as a fence epoch and
//   the assertion is the lie), and a missing-epoch otherwise.
// * At the end of a run that hung (--timeout) open epochs are reported
//   (a lock that is never released explains a hang); at the end of a run
//   that died they are not (the rank was killed wherever it was): the
//   tracker counts them (open_at_death) for a note.
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "model/model.h"

namespace rmacheck {

enum class EpochKind { kFence, kLock, kLockAll, kAccess /* Win_start */, kExposure /* Win_post */ };

struct Epoch {
  EpochKind kind = EpochKind::kFence;
  int rank = -1;  // world rank of the process the epoch belongs to
  int64_t win = 0;
  EventRef open;                         // fence / lock / lock_all / start / post
  std::optional<EventRef> close;         // fence / unlock / unlock_all / complete / wait or successful test
  std::optional<EventRef> left_open_at;  // Win_free, Finalize or the last event when never closed
  int target = -1;                       // kLock: world rank locked
  int lock_type = 0;                     // kLock: kLockExclusive/kLockShared; kLockAll: kLockShared
  int assert_bits = 0;                   // assertions of the opening call
  std::vector<int> group;                // kAccess / kExposure: world ranks of the group
  int fence_index = 0;                   // kFence: 1-based number of the opening fence on this rank and window
  EventRef first_rma;                    // access epochs: the first RMA call of this rank it covers (if rma_count > 0)
  uint64_t rma_count = 0;                // how many RMA calls of this rank it covers
  bool covers(int target_rank) const;    // access epochs: does it cover RMA to target_rank?
};

// What went wrong. Each kind lists its `events` in the order a finding shows
// them, and the facts it fills in (see EpochIssue).
enum class EpochIssueKind {
  // An RMA call that no epoch covers.
  kRmaWithoutEpoch,         // {rma}
  kRmaAfterEpochClosed,     // {rma, the unlock/unlock_all/complete that closed it}; target
  kRmaAfterNosucceed,       // {rma, the fence asserting MPI_MODE_NOSUCCEED}; no fence followed
  kNosucceedBrokenByFence,  // {rma, that fence}: the same, and a later fence shows the assertion was wrong
  kTargetNotInStartGroup,   // {rma, the Win_start}; target, epoch = the start's
  kTargetNotLocked,         // {rma, the latest lock}; target, ranks = the targets locked
  // An access epoch opened while another is open: {the other's opening call, the new one}; epoch = the other.
  kNestedLock,  // target
  kLockInLockAll,
  kNestedLockAll,
  kLockAllInLock,
  kNestedStart,
  kStartInLock,
  kStartInLockAll,
  kLockInStart,  // a Win_lock or Win_lock_all inside a Win_start epoch
  // Epochs mixed with a fence epoch.
  kAccessEpochInFenceEpoch,    // {the fence, its first RMA call, the lock/lock_all/start}; epoch = the fence epoch
  kAccessEpochMixedIntoFence,  // {the fence before, the lock/lock_all/start, the fence after}; epoch = that epoch
  kFenceInEpoch,               // {the other's opening call, the fence}; epoch = the lock/lock_all/start/post epoch
  // A closing or flushing call without the epoch it needs.
  kUnlockInLockAll,          // {unlock, lock_all}; target
  kUnlockOtherTarget,        // {unlock, lock of another target}; target, epoch = that lock's
  kUnlockAlreadyReleased,    // {unlock, the earlier unlock}; target
  kUnlockWithoutLock,        // {unlock}; target
  kUnlockAllInLocks,         // {unlock_all, the latest lock}; ranks = the targets locked
  kUnlockAllAlreadyClosed,   // {unlock_all, the earlier unlock_all}
  kUnlockAllWithoutLockAll,  // {unlock_all}
  kFlushOtherTarget,         // {flush, the latest lock}; target, ranks = the targets locked
  kFlushInActiveEpoch,       // {flush, the fence/start}; target (-1 for *_all), epoch = that epoch
  kFlushWithoutLock,         // {flush}; target (-1 for *_all)
  kCompleteWithoutStart,     // {complete[, the earlier complete]}
  kNestedPost,               // {the open post, post}; epoch = the open post's
  kWaitWithoutPost,          // {wait/test[, the earlier wait/test]}
  // Epochs left open.
  kUnclosedEpoch,        // {opening call, Win_free or Finalize}; epoch
  kUnclosedWhenStopped,  // {opening call, the rank's last event}; epoch (the run was stopped by --timeout)
};

struct EpochIssue {
  EpochIssueKind kind;
  int rank = -1;  // whose calls
  int64_t win = 0;
  std::vector<EventRef> events;  // the calls involved (order: see EpochIssueKind)
  std::optional<size_t> epoch;   // index into EpochTracker::epochs() of the other epoch involved
  int target = -1;               // the target rank concerned
  std::vector<int> ranks;        // the targets this rank had locked at the time
};

class EpochTracker {
 public:
  explicit EpochTracker(const Model& model);

  const std::vector<Epoch>& epochs() const { return epochs_; }
  const std::vector<EpochIssue>& issues() const { return issues_; }
  // Ranks whose log ended (the run died, no timeout) with epochs open, and how many: not reported as unclosed.
  const std::vector<std::pair<int, int>>& open_at_death() const { return open_at_death_; }
  // The epoch covering an RMA call, nullptr when none does (or not an RMA call).
  const Epoch* epoch_of(EventRef rma) const;
  // The RMA calls an epoch covers, in program order.
  std::vector<EventRef> rmas_of(const Epoch& e) const;
  // Fences of one rank on one window, in program order (including one that never returned).
  const std::vector<EventRef>& fences(int rank, int64_t win) const;
  // Indices into epochs() of one rank's epochs on one window, in opening order.
  std::vector<size_t> epochs_of(int rank, int64_t win) const;

 private:
  struct WinState;
  void walk_rank(const RankLog& log);
  void on_event(std::map<int64_t, WinState>& wins, const RankLog& log, uint32_t index);
  void at_end_of_log(std::map<int64_t, WinState>& wins, const RankLog& log);
  void on_fence(WinState& s, EventRef e);
  void on_rma(WinState& s, EventRef e);
  void on_lock(WinState& s, EventRef e);
  void on_unlock(WinState& s, EventRef e);
  void on_lock_all(WinState& s, EventRef e);
  void on_unlock_all(WinState& s, EventRef e);
  void on_flush(WinState& s, EventRef e);
  void on_start(WinState& s, EventRef e);
  void on_complete(WinState& s, EventRef e);
  void on_post(WinState& s, EventRef e);
  void on_wait(WinState& s, EventRef e);
  void close_all(WinState& s, EventRef at, bool stopped);
  bool open_access_conflicts(WinState& s, EventRef e);
  size_t new_epoch(WinState& s, EpochKind k, EventRef open);
  EpochIssue& issue(EpochIssueKind kind, const WinState& s, std::vector<EventRef> events);
  int64_t target_of(EventRef e) const;  // the logged target rank, kRankProcNull when none

  const Model& model_;
  std::vector<Epoch> epochs_;
  std::vector<EpochIssue> issues_;
  std::vector<std::pair<int, int>> open_at_death_;
  // Per rank: (RMA call, index into epochs_) of every covered RMA call, by event index
  // (8 bytes per call: a big log has hundreds of millions of them).
  std::map<int, std::vector<std::pair<uint32_t, uint32_t>>> covered_;
  std::map<std::pair<int, int64_t>, std::vector<EventRef>> fences_;
  std::map<std::pair<int, int64_t>, std::vector<size_t>> epochs_by_win_;
};

}  // namespace rmacheck
