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

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/epoch_wording.h"
#include "detectors/wording.h"
#include "model/epoch_tracker.h"

namespace rmacheck {

namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

bool same_host(const Model& m, int a, int b) {
  if (a == b) return true;
  const RankLog* la = m.rank_log(a);
  const RankLog* lb = m.rank_log(b);
  if (!la || !lb) return false;
  auto ha = la->header.find("host"), hb = lb->header.find("host");
  if (ha == la->header.end() || hb == lb->header.end()) return true;  // hand-built logs
  return ha->second == hb->second;
}

class EpochDetector : public Detector {
 public:
  const char* name() const override { return "epoch"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    const EpochTracker& tr = ctx.epochs();
    for (const EpochIssue& is : tr.issues()) out.findings.push_back(epoch_issue_finding(model, tr, is));
    for (const auto& [rank, open] : tr.open_at_death()) {
      const RankLog* log = ctx.model().rank_log(rank);
      out.notes.push_back(open_at_death_note(rank, open, log && log->logging_stopped_at));
    }
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
                                        " (its " + ordinal(k) + " fence on window '" + wm.name + "')";
        // "<fence> asserts <mode>, but rank <s> <before><the RMA call><after>".
        auto broken = [&](const char* mode, int s, EventRef rma, const std::string& before, const char* after,
                          const char* rma_note, int target, FindingCode code) {
          push(out, wm.name,
               fence_words + " asserts " + mode + ", but rank " + std::to_string(s) + " " + before +
                   describe_call(model, rma) + after,
               {call_access(f, std::string("fence asserting ") + mode), call_access(rma, rma_note, target)}, code);
        };
        for (int s : wm.members) {
          auto& by_index = fe[s];
          if ((a & kModeNoPrecede) && k >= 2 && by_index.count(k - 1)) {
            const EventRef rma = by_index[k - 1]->first_rma;
            broken("MPI_MODE_NOPRECEDE", s, rma, "issued ",
                   " after its previous fence, which this fence must complete (drop MPI_MODE_NOPRECEDE)",
                   "RMA call pending at that fence", rma_target(model, rma), kCode_noprecede_with_pending_rma);
          }
          if ((a & kModeNoPut) && by_index.count(k)) {
            for (EventRef rma : tr.rmas_of(*by_index[k])) {
              if (rma_target(model, rma) != r || !updates_target(model, rma)) continue;
              broken("MPI_MODE_NOPUT", s, rma, "updates rank " + std::to_string(r) + "'s window with ",
                     " in the epoch that this fence opens (drop MPI_MODE_NOPUT)", "update in that epoch", r,
                     kCode_noput_with_put);
              break;  // one per origin and fence
            }
          }
          if ((a & kModeNoSucceed) && s != r && by_index.count(k)) {
            const EventRef rma = by_index[k]->first_rma;
            broken("MPI_MODE_NOSUCCEED", s, rma, "issues ",
                   " after its matching fence; the assertion must be given by all members or none (no fence epoch "
                   "follows that fence)",
                   "RMA call after the fence", rma_target(model, rma), kCode_nosucceed_with_rma);
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
    auto opened_before = [&](const Epoch* a, const Epoch* b) {
      return model.event(a->open).t_enter <= model.event(b->open).t_enter;
    };
    for (int o : wm.members) {
      for (int t : wm.members) {
        std::vector<const Epoch*> s_ot, p_to;
        for (const Epoch* e : starts[o])
          if (holds(e, t)) s_ot.push_back(e);
        for (const Epoch* e : posts[t])
          if (holds(e, o)) p_to.push_back(e);
        const size_t n = std::min(s_ot.size(), p_to.size());
        for (size_t i = 0; i < n; ++i) matched(model, tr, wm, s_ot[i], p_to[i], o, t, out);
        for (size_t i = n; i < s_ot.size(); ++i)
          unmatched(wm, kStartSide, s_ot[i], o, t, posts[t], overlaps, opened_before, out);
        for (size_t i = n; i < p_to.size(); ++i)
          unmatched(wm, kPostSide, p_to[i], t, o, starts[o], overlaps, opened_before, out);
      }
    }
  }

  // The words for one side of PSCW: a start (whose partner is a post) or a post.
  struct PscwSide {
    const char* call;          // "Win_start"
    const char* partner;       // "Win_post"
    const char* partner_sees;  // what the partner's group does: "exposes its window only to"
    bool origin;               // the start side (it waits in Win_start; a target waits in Win_wait)
  };
  static constexpr PscwSide kStartSide{"Win_start", "Win_post", "exposes its window only to", true};
  static constexpr PscwSide kPostSide{"Win_post", "Win_start", "accesses only", false};

  // A start or post `e` of rank `me` naming `peer`, which no call of `peer` matches. The partner epoch
  // of `peer` that leaves `me` out is named: the concurrent one, else the last one opened before `e`
  // (a blocking Win_start may be entered after the post it should have matched was already waited for).
  template <class Overlaps, class OpenedBefore>
  void unmatched(const WindowModel& wm, const PscwSide& side, const Epoch* e, int me, int peer,
                 const std::vector<const Epoch*>& partners, Overlaps overlaps, OpenedBefore opened_before,
                 Analysis& out) {
    const std::string me_s = std::to_string(me), peer_s = std::to_string(peer);
    std::vector<Access> a{call_access(e->open, std::string(side.call) + " with rank " + peer_s + " in its group")};
    std::string why =
        "rank " + peer_s + " never calls a matching MPI_" + side.partner + " with rank " + me_s + " in its group";
    const Epoch* named = nullptr;
    bool concurrent = false;
    for (const Epoch* x : partners) {
      if (std::find(x->group.begin(), x->group.end(), me) != x->group.end()) continue;
      if (overlaps(e, x)) {
        named = x, concurrent = true;
        break;
      }
      if (opened_before(x, e)) named = x;
    }
    if (named) {
      why = std::string(concurrent ? "the concurrent" : "the earlier") + " MPI_" + side.partner + " of rank " + peer_s +
            " " + side.partner_sees + " " + (named->group.empty() ? std::string("nobody") : rank_list(named->group));
      a.push_back(call_access(named->open, std::string(side.partner) + " without rank " + me_s));
    }
    const std::string waits = side.origin
                                  ? "rank " + me_s + " waits for a post that never comes"
                                  : "MPI_Win_wait on rank " + me_s + " waits for a Win_complete that never comes";
    push(out, wm.name,
         "MPI_" + std::string(side.call) + " on rank " + me_s + " has rank " + peer_s + " in its group on window '" +
             wm.name + "', but " + why + ": start and post groups must match (" + waits + ")",
         a, kCode_start_post_group_mismatch);
  }

  void matched(const Model& model, const EpochTracker& tr, const WindowModel& wm, const Epoch* s, const Epoch* p, int o,
               int t, Analysis& out) {
    if (p->assert_bits & kModeNoPut) {
      for (EventRef rma : tr.rmas_of(*s)) {
        if (rma_target(model, rma) != t || !updates_target(model, rma)) continue;
        push(out, wm.name,
             "MPI_Win_post(MPI_MODE_NOPUT) on rank " + std::to_string(t) + " promises that its window '" + wm.name +
                 "' is not updated by put or accumulate until MPI_Win_wait, but rank " + std::to_string(o) +
                 " issues " + describe_call(model, rma) + " in the matching access epoch (drop MPI_MODE_NOPUT)",
             {call_access(p->open, "post asserting MPI_MODE_NOPUT"),
              call_access(rma, "update in the exposure epoch", t)},
             kCode_noput_with_put);
        break;
      }
    }
    if (!same_host(model, o, t)) return;
    const Event& se = model.event(s->open);
    const Event& pe = model.event(p->open);
    if ((s->assert_bits & kModeNoCheck) && pe.t_enter > se.t_exit) {
      push(out, wm.name,
           "MPI_Win_start(MPI_MODE_NOCHECK) on rank " + std::to_string(o) +
               " promises that the matching MPI_Win_post of rank " + std::to_string(t) +
               " has already completed, but that post was called after the start returned (window '" + wm.name +
               "'; synchronize before the start, or drop MPI_MODE_NOCHECK)",
           {call_access(s->open, "start asserting MPI_MODE_NOCHECK"), call_access(p->open, "post called later")},
           kCode_nocheck_start_before_post);
    }
    if ((p->assert_bits & kModeNoCheck) && se.t_exit < pe.t_enter) {
      push(out, wm.name,
           "MPI_Win_post(MPI_MODE_NOCHECK) on rank " + std::to_string(t) +
               " promises that the matching MPI_Win_start of rank " + std::to_string(o) +
               " has not yet been called, but that start had already returned (window '" + wm.name +
               "'; drop MPI_MODE_NOCHECK)",
           {call_access(p->open, "post asserting MPI_MODE_NOCHECK"), call_access(s->open, "start called earlier")},
           kCode_nocheck_post_after_start);
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
        push(out, wm.name,
             "rank " + std::to_string(l->rank) + " holds " + describe_call(model, l->open) + " on window '" + wm.name +
                 "' while rank " + std::to_string(t) +
                 " has that window exposed by MPI_Win_post (until its MPI_Win_wait): "
                 "a window may not be locked and exposed at the same time",
             {call_access(l->open, "lock held here"), call_access(p->open, "exposure epoch open here")},
             kCode_lock_while_exposed);
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
        push(out, wm.name,
             "rank " + std::to_string(l->rank) + " locked rank " + std::to_string(t) + "'s window '" + wm.name +
                 "' with MPI_MODE_NOCHECK (" + describe_call(model, l->open) +
                 "), promising that no other process holds "
                 "or requests a conflicting lock meanwhile, but rank " +
                 std::to_string(m->rank) + " requested " + describe_call(model, m->open) +
                 (m->lock_type == kLockExclusive ? " (exclusive)" : " (shared)") +
                 " while it was held (drop MPI_MODE_NOCHECK)",
             {call_access(l->open, "lock asserting MPI_MODE_NOCHECK"),
              call_access(m->open, "conflicting lock at the same time")},
             kCode_nocheck_lock_contended);
      }
    }
  }

  void nostore_note(const Model& model, const EpochTracker&, Analysis& out) {
    for (const RankLog& log : model.logs) {
      if (!log.instrumented.empty() || !log.guard.empty()) continue;  // checked by the local-access detector
      for (const Event& ev : log.events) {
        const CallRole role = call_traits(ev.call).role;
        if (role != CallRole::kFence && role != CallRole::kPost) continue;
        if (log.view(ev).get_or(kF_assert, 0) & kModeNoStore) {
          out.notes.push_back(
              "MPI_MODE_NOSTORE assertions were not checked: local stores to window memory are not logged (build with "
              "rmacheck mpicc to see them)");
          return;
        }
      }
    }
  }

  static bool updates_target(const Model& model, EventRef rma) {
    return call_traits(model.event(rma).call).updates_target(model.view(rma).get_or(kF_op, -1));
  }

  static void push(Analysis& out, const std::string& win, std::string msg, std::vector<Access> a, FindingCode code) {
    Finding f = coded_finding(code);
    f.message = std::move(msg);
    f.window = win;
    f.accesses = std::move(a);
    out.findings.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Detector> make_epoch_detector() { return std::make_unique<EpochDetector>(); }

}  // namespace rmacheck
