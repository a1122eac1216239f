// Epoch and synchronization rules (rma-semantics.md section 5), kinds
// missing-epoch, unclosed-epoch, epoch-mismatch and assert-violation:
// - everything one rank's own event stream proves comes from the
//   EpochTracker (RMA outside any epoch, nested/mixed epochs, closing calls
//   without their opening call, flush outside a passive-target epoch,
//   epochs open at Win_free / Finalize / the end of a hung run, NOSUCCEED
//   broken by the same rank);
// - across ranks, from the tracker's epochs:
//   * fence assertions: MPI_MODE_NOPRECEDE at fence k while some member
//     issued RMA in its fence epoch k-1; MPI_MODE_NOPUT at fence k of rank r
//     while some member puts/accumulates into r in its fence epoch k;
//     MPI_MODE_NOSUCCEED at fence k of one member while another one issues
//     RMA after its fence k (the assertion must be given by all or none);
//   * PSCW: the n-th Win_start of origin o whose group holds t pairs with
//     the n-th Win_post of t whose group holds o; a start or post left
//     without partner is a start/post group mismatch. In matched pairs:
//     MPI_MODE_NOPUT on the post while o puts into t, MPI_MODE_NOCHECK on
//     start (post must have completed) or post (start must not have begun);
//   * a window locked (Win_lock / Win_lock_all) while its owner has it
//     exposed by Win_post (MPI-3.1 11.5.3), by timestamps;
//   * MPI_MODE_NOCHECK on a lock while another origin holds or requests a
//     conflicting lock on the same target, by timestamps.
//   Timestamps (CLOCK_MONOTONIC) are compared only between ranks on the same
//   host, and only "certainly open" intervals count: from the return of the
//   opening call to the entry of the closing call. A request for a lock
//   counts from the entry of the lock call.
// - MPI_MODE_NOSTORE is not checked (local stores are not logged): a note says so.
#include <algorithm>
#include <limits>
#include <set>

#include "detectors/detector.h"
#include "model/epoch_tracker.h"

namespace rmacheck {

namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

std::string nth(int k) {
  int m100 = k % 100, m10 = k % 10;
  const char* suf = (m100 >= 11 && m100 <= 13) ? "th" : m10 == 1 ? "st" : m10 == 2 ? "nd" : m10 == 3 ? "rd" : "th";
  return std::to_string(k) + suf;
}

bool same_host(const Model& m, int a, int b) {
  if (a == b) return true;
  const RankLog* la = m.rank_log(a);
  const RankLog* lb = m.rank_log(b);
  if (!la || !lb) return false;
  auto ha = la->header.find("host"), hb = lb->header.find("host");
  if (ha == la->header.end() || hb == lb->header.end()) return true;  // hand-built logs
  return ha->second == hb->second;
}

Access acc(EventRef e, std::string note, int target = -1) {
  Access a;
  a.event = e;
  a.access = "call";
  a.target_rank = target;
  a.note = std::move(note);
  return a;
}

class EpochDetector : public Detector {
 public:
  const char* name() const override { return "epoch"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    const EpochTracker& tr = ctx.epochs();
    for (const EpochError& e : tr.errors()) out.findings.push_back(e.finding);
    for (const std::string& n : tr.notes()) out.notes.push_back(n);
    for (const auto& [id, wm] : model.windows) {
      fence_assertions(model, tr, wm, out);
      pscw(model, tr, wm, out);
      lock_while_exposed(model, tr, wm, out);
      nocheck_locks(model, tr, wm, out);
    }
    nostore_note(model, tr, out);
  }

 private:
  // Fence epochs of one rank on one window by fence index.
  static std::map<int, const Epoch*> fence_epochs(const EpochTracker& tr, int rank, int64_t win) {
    std::map<int, const Epoch*> m;
    for (size_t i : tr.epochs_of(rank, win)) {
      const Epoch& e = tr.epochs()[i];
      if (e.kind == EpochKind::kFence) m[e.fence_index] = &e;
    }
    return m;
  }

  void fence_assertions(const Model& model, const EpochTracker& tr, const WindowModel& wm, Analysis& out) {
    std::map<int, std::map<int, const Epoch*>> fe;  // rank -> fence index -> epoch
    for (int s : wm.members) fe[s] = fence_epochs(tr, s, wm.id);
    for (int r : wm.members) {
      const std::vector<EventRef>& fences = tr.fences(r, wm.id);
      for (size_t i = 0; i < fences.size(); ++i) {
        const int k = static_cast<int>(i) + 1;
        const EventRef f = fences[i];
        const int a = static_cast<int>(model.view(f).get_or(kF_assert, 0));
        const std::string fence_words = "MPI_Win_fence(" + assert_names(a) + ") on rank " + std::to_string(r) +
                                        " (its " + nth(k) + " fence on window '" + wm.name + "')";
        for (int s : wm.members) {
          auto& by_index = fe[s];
          if ((a & kModeNoPrecede) && k >= 2 && by_index.count(k - 1)) {
            const Epoch* ep = by_index[k - 1];
            EventRef rma = ep->rmas.front();
            push(out, kKind_assert_violation, wm.name,
                 fence_words + " asserts MPI_MODE_NOPRECEDE, but rank " + std::to_string(s) + " issued " +
                     describe_call(model, rma) +
                     " after its previous fence, which this fence must complete "
                     "(drop MPI_MODE_NOPRECEDE)",
                 {acc(f, "fence asserting MPI_MODE_NOPRECEDE"),
                  acc(rma, "RMA call pending at that fence", target_of(model, rma))},
                 "noprecede-with-pending-rma");
          }
          if ((a & kModeNoPut) && by_index.count(k)) {
            for (EventRef rma : by_index[k]->rmas) {
              if (target_of(model, rma) != r || !rma_updates_target(model, rma)) continue;
              push(out, kKind_assert_violation, wm.name,
                   fence_words + " asserts MPI_MODE_NOPUT, but rank " + std::to_string(s) + " updates rank " +
                       std::to_string(r) + "'s window with " + describe_call(model, rma) +
                       " in the epoch that this fence opens (drop MPI_MODE_NOPUT)",
                   {acc(f, "fence asserting MPI_MODE_NOPUT"), acc(rma, "update in that epoch", r)}, "noput-with-put");
              break;  // one per origin and fence
            }
          }
          if ((a & kModeNoSucceed) && s != r && by_index.count(k)) {
            EventRef rma = by_index[k]->rmas.front();
            push(out, kKind_assert_violation, wm.name,
                 fence_words + " asserts MPI_MODE_NOSUCCEED, but rank " + std::to_string(s) + " issues " +
                     describe_call(model, rma) +
                     " after its matching fence; the assertion must be given by all "
                     "members or none (no fence epoch follows that fence)",
                 {acc(f, "fence asserting MPI_MODE_NOSUCCEED"),
                  acc(rma, "RMA call after the fence", target_of(model, rma))},
                 "nosucceed-with-rma");
          }
        }
      }
    }
  }

  void pscw(const Model& model, const EpochTracker& tr, const WindowModel& wm, Analysis& out) {
    std::map<int, std::vector<const Epoch*>> starts, posts;
    for (int r : wm.members) {
      for (size_t i : tr.epochs_of(r, wm.id)) {
        const Epoch& e = tr.epochs()[i];
        if (e.kind == EpochKind::kAccess) starts[r].push_back(&e);
        if (e.kind == EpochKind::kExposure) posts[r].push_back(&e);
      }
    }
    auto holds = [](const Epoch* e, int r) { return std::find(e->group.begin(), e->group.end(), r) != e->group.end(); };
    auto overlaps = [&](const Epoch* a, const Epoch* b) {
      if (!same_host(model, a->rank, b->rank)) return true;  // cannot tell: assume they may
      int64_t alo = model.event(a->open).t_enter, ahi = a->close ? model.event(*a->close).t_exit : kForever;
      int64_t blo = model.event(b->open).t_enter, bhi = b->close ? model.event(*b->close).t_exit : kForever;
      return alo <= bhi && blo <= ahi;
    };
    for (int o : wm.members) {
      for (int t : wm.members) {
        std::vector<const Epoch*> s_ot, p_to;
        for (const Epoch* e : starts[o])
          if (holds(e, t)) s_ot.push_back(e);
        for (const Epoch* e : posts[t])
          if (holds(e, o)) p_to.push_back(e);
        const size_t n = std::min(s_ot.size(), p_to.size());
        for (size_t i = 0; i < n; ++i) matched(model, wm, s_ot[i], p_to[i], o, t, out);
        for (size_t i = n; i < s_ot.size(); ++i) {
          const Epoch* s = s_ot[i];
          std::vector<Access> a{acc(s->open, "Win_start with rank " + std::to_string(t) + " in its group")};
          std::string why = "rank " + std::to_string(t) + " never calls a matching MPI_Win_post with rank " +
                            std::to_string(o) + " in its group";
          for (const Epoch* p : posts[t]) {
            if (holds(p, o) || !overlaps(s, p)) continue;
            why = "the concurrent MPI_Win_post of rank " + std::to_string(t) + " exposes its window only to " +
                  (p->group.empty() ? std::string("nobody") : rank_list(p->group));
            a.push_back(acc(p->open, "Win_post without rank " + std::to_string(o)));
            break;
          }
          push(out, kKind_epoch_mismatch, wm.name,
               "MPI_Win_start on rank " + std::to_string(o) + " has rank " + std::to_string(t) +
                   " in its group on window '" + wm.name + "', but " + why +
                   ": start and post groups must match (rank " + std::to_string(o) +
                   " waits for a post that never comes)",
               a, "start-post-group-mismatch");
        }
        for (size_t i = n; i < p_to.size(); ++i) {
          const Epoch* p = p_to[i];
          std::vector<Access> a{acc(p->open, "Win_post with rank " + std::to_string(o) + " in its group")};
          std::string why = "rank " + std::to_string(o) + " never calls a matching MPI_Win_start with rank " +
                            std::to_string(t) + " in its group";
          for (const Epoch* s : starts[o]) {
            if (holds(s, t) || !overlaps(s, p)) continue;
            why = "the concurrent MPI_Win_start of rank " + std::to_string(o) + " accesses only " +
                  (s->group.empty() ? std::string("nobody") : rank_list(s->group));
            a.push_back(acc(s->open, "Win_start without rank " + std::to_string(t)));
            break;
          }
          push(out, kKind_epoch_mismatch, wm.name,
               "MPI_Win_post on rank " + std::to_string(t) + " has rank " + std::to_string(o) +
                   " in its group on window '" + wm.name + "', but " + why +
                   ": start and post groups must match (MPI_Win_wait on rank " + std::to_string(t) +
                   " waits for a Win_complete that never comes)",
               a, "start-post-group-mismatch");
        }
      }
    }
  }

  void matched(const Model& model, const WindowModel& wm, const Epoch* s, const Epoch* p, int o, int t, Analysis& out) {
    if (p->assert_bits & kModeNoPut) {
      for (EventRef rma : s->rmas) {
        if (target_of(model, rma) != t || !rma_updates_target(model, rma)) continue;
        push(out, kKind_assert_violation, wm.name,
             "MPI_Win_post(MPI_MODE_NOPUT) on rank " + std::to_string(t) + " promises that its window '" + wm.name +
                 "' is not updated by put or accumulate until MPI_Win_wait, but rank " + std::to_string(o) +
                 " issues " + describe_call(model, rma) + " in the matching access epoch (drop MPI_MODE_NOPUT)",
             {acc(p->open, "post asserting MPI_MODE_NOPUT"), acc(rma, "update in the exposure epoch", t)},
             "noput-with-put");
        break;
      }
    }
    if (!same_host(model, o, t)) return;
    const Event& se = model.event(s->open);
    const Event& pe = model.event(p->open);
    if ((s->assert_bits & kModeNoCheck) && pe.t_enter > se.t_exit) {
      push(out, kKind_assert_violation, wm.name,
           "MPI_Win_start(MPI_MODE_NOCHECK) on rank " + std::to_string(o) +
               " promises that the matching MPI_Win_post of rank " + std::to_string(t) +
               " has already completed, but that post was called after the start returned (window '" + wm.name +
               "'; synchronize before the start, or drop MPI_MODE_NOCHECK)",
           {acc(s->open, "start asserting MPI_MODE_NOCHECK"), acc(p->open, "post called later")},
           "nocheck-start-before-post");
    }
    if ((p->assert_bits & kModeNoCheck) && se.t_exit < pe.t_enter) {
      push(out, kKind_assert_violation, wm.name,
           "MPI_Win_post(MPI_MODE_NOCHECK) on rank " + std::to_string(t) +
               " promises that the matching MPI_Win_start of rank " + std::to_string(o) +
               " has not yet been called, but that start had already returned (window '" + wm.name +
               "'; drop MPI_MODE_NOCHECK)",
           {acc(p->open, "post asserting MPI_MODE_NOCHECK"), acc(s->open, "start called earlier")},
           "nocheck-post-after-start");
    }
  }

  // Certainly-open interval of an epoch: from the return of its opening call
  // to the entry of its closing call (open-ended when never closed).
  static std::pair<int64_t, int64_t> held(const Model& model, const Epoch& e) {
    return {model.event(e.open).t_exit, e.close ? model.event(*e.close).t_enter : kForever};
  }

  void lock_while_exposed(const Model& model, const EpochTracker& tr, const WindowModel& wm, Analysis& out) {
    std::vector<const Epoch*> locks, posts;
    for (int r : wm.members) {
      for (size_t i : tr.epochs_of(r, wm.id)) {
        const Epoch& e = tr.epochs()[i];
        if (!model.event(e.open).returned) continue;
        if (e.kind == EpochKind::kLock || e.kind == EpochKind::kLockAll) locks.push_back(&e);
        if (e.kind == EpochKind::kExposure) posts.push_back(&e);
      }
    }
    for (const Epoch* p : posts) {
      const int t = p->rank;
      auto [plo, phi] = held(model, *p);
      for (const Epoch* l : locks) {
        if (l->kind == EpochKind::kLock && l->target != t) continue;
        if (!same_host(model, l->rank, t)) continue;
        auto [llo, lhi] = held(model, *l);
        if (std::max(llo, plo) >= std::min(lhi, phi)) continue;
        push(out, kKind_epoch_mismatch, wm.name,
             "rank " + std::to_string(l->rank) + " holds " + describe_call(model, l->open) + " on window '" + wm.name +
                 "' while rank " + std::to_string(t) +
                 " has that window exposed by MPI_Win_post (until its MPI_Win_wait): "
                 "a window may not be locked and exposed at the same time",
             {acc(l->open, "lock held here"), acc(p->open, "exposure epoch open here")}, "lock-while-exposed");
      }
    }
  }

  void nocheck_locks(const Model& model, const EpochTracker& tr, const WindowModel& wm, Analysis& out) {
    std::vector<const Epoch*> locks;
    for (int r : wm.members) {
      for (size_t i : tr.epochs_of(r, wm.id)) {
        const Epoch& e = tr.epochs()[i];
        if (e.kind == EpochKind::kLock || e.kind == EpochKind::kLockAll) locks.push_back(&e);
      }
    }
    for (const Epoch* l : locks) {
      if (!(l->assert_bits & kModeNoCheck) || !model.event(l->open).returned) continue;
      auto [llo, lhi] = held(model, *l);
      for (const Epoch* m : locks) {
        if (m->rank == l->rank) continue;
        const bool conflict = l->lock_type == kLockExclusive || m->lock_type == kLockExclusive;
        if (!conflict) continue;
        int t = -1;  // a target both lock
        if (l->kind == EpochKind::kLock && m->kind == EpochKind::kLock) {
          if (l->target != m->target) continue;
          t = l->target;
        } else {
          t = l->kind == EpochKind::kLock ? l->target : m->kind == EpochKind::kLock ? m->target : l->rank;
        }
        if (!same_host(model, l->rank, m->rank)) continue;
        int64_t mlo = model.event(m->open).t_enter;  // requesting counts
        int64_t mhi = m->close ? model.event(*m->close).t_enter : kForever;
        if (std::max(llo, mlo) >= std::min(lhi, mhi)) continue;
        push(out, kKind_assert_violation, wm.name,
             "rank " + std::to_string(l->rank) + " locked rank " + std::to_string(t) + "'s window '" + wm.name +
                 "' with MPI_MODE_NOCHECK (" + describe_call(model, l->open) +
                 "), promising that no other process holds "
                 "or requests a conflicting lock meanwhile, but rank " +
                 std::to_string(m->rank) + " requested " + describe_call(model, m->open) +
                 (m->lock_type == kLockExclusive ? " (exclusive)" : " (shared)") +
                 " while it was held (drop MPI_MODE_NOCHECK)",
             {acc(l->open, "lock asserting MPI_MODE_NOCHECK"), acc(m->open, "conflicting lock at the same time")},
             "nocheck-lock-contended");
      }
    }
  }

  void nostore_note(const Model& model, const EpochTracker&, Analysis& out) {
    for (const RankLog& log : model.logs) {
      if (!log.instrumented.empty()) continue;  // checked by the local-access detector
      for (const Event& ev : log.events) {
        if (ev.call != kCall_Win_fence && ev.call != kCall_Win_post) continue;
        if (log.view(ev).get_or(kF_assert, 0) & kModeNoStore) {
          out.notes.push_back(
              "MPI_MODE_NOSTORE assertions were not checked: local stores to window memory are not logged (build with "
              "rmacheck mpicc to see them)");
          return;
        }
      }
    }
  }

  static int target_of(const Model& model, EventRef e) {
    int64_t t = model.view(e).get_or(kF_target, -1);
    return t >= 0 ? static_cast<int>(t) : -1;
  }

  static void push(Analysis& out, FindingKind kind, const std::string& win, std::string msg, std::vector<Access> a,
                   const std::string& code) {
    Finding f;
    f.kind = kind;
    f.message = std::move(msg);
    f.window = win;
    f.accesses = std::move(a);
    f.details = {{"code", code}};
    out.findings.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Detector> make_epoch_detector() { return std::make_unique<EpochDetector>(); }

}  // namespace rmacheck
