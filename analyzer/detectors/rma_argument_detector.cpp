// `invalid-rma-arg` (rma-semantics.md section 5, last rule):
// - a target rank outside the window's group (the interposer logs it by
//   encode_invalid_rank, log_format.h: negative ranks too), for RMA calls and
//   the synchronization calls that name a target (Win_lock/unlock/flush);
// - target bytes outside the target's window: disp * disp_unit of the TARGET
//   rank, plus the true extent of target_count x target datatype (the
//   datatype's layout comes from the ORIGIN's log: types are per rank and
//   the origin names the target type), must lie in [0, size of the target's
//   window); for dynamic windows the displacement is an address and the
//   range must lie inside one region that the target attached
//   (Win_attach/Win_detach on the target): a region counts if it may have
//   been attached while the call ran, by happens-before where the program
//   orders the attach or detach with the call, else by the calls' times;
// - type signatures: the sequence of basic types of origin_count x
//   origin_type must equal that of target_count x target_type (for
//   Get_accumulate also result vs target; the origin is ignored with
//   MPI_NO_OP). Predefined types that are the same C type on this LP64
//   platform compare equal (MPI_INT vs MPI_INT32_T, MPI_LONG vs MPI_INT64_T,
//   MPI_FLOAT vs MPI_REAL4 ...), and a side described with MPI_BYTE or
//   MPI_PACKED is only compared by its byte count: a deliberate leniency, the
//   standard is stricter;
// - accumulate-family calls: a user-defined op (>= kUserOpBase) is not
//   allowed, MPI_NO_OP only in Get_accumulate/Rget_accumulate/Fetch_and_op,
//   and a derived datatype must consist of one basic type only (except for
//   MPI_MAXLOC/MPI_MINLOC, whose pair types mix two).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "call_traits.h"
#include "detectors/clean_runs.h"
#include "detectors/detector.h"
#include "detectors/type_signature.h"
#include "detectors/wording.h"
#include "model/checked_math.h"

namespace rmacheck {

namespace {

class RmaArgumentDetector : public Detector {
 public:
  const char* name() const override { return "rma-argument"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    regions_.clear();
    for (const RankLog& log : ctx.model().logs) {
      CleanRuns clean;  // the verdict on a call on a window that is not dynamic: a function of its fields
      for (uint32_t i = 0; i < log.events.size(); ++i) {
        const Event& e = log.events[i];
        const CallTraits& traits = call_traits(e.call);
        // RMA calls, and the synchronization calls that name a target (lock, unlock, flush).
        if (traits.family != CallFamily::kRma && traits.family != CallFamily::kSync) continue;
        if (!traits.rank(kF_target) || clean.known_clean(e, 0)) continue;
        const size_t found = out.findings.size();
        if (judge(ctx, log, i, traits, out) && out.findings.size() == found) clean.set_clean(e, 0);
      }
    }
  }

 private:
  // Checks call i of `log`; returns whether the verdict depends on its fields alone (the window's and the
  // types' geometry do not change), not on when it was made (a dynamic window's attached regions).
  bool judge(AnalysisContext& ctx, const RankLog& log, uint32_t i, const CallTraits& traits, Analysis& out) {
    const Model& model = ctx.model();
    const EventRef ref{log.rank, i};
    EventView v = log.view(log.events[i]);
    auto w = v.get(kF_win);
    auto wit = w ? model.windows.find(*w) : model.windows.end();
    auto t = v.get(kF_target);
    if (!t || *t == kRankProcNull) return true;
    if (is_invalid_rank(*t)) {
      bad_target_rank(model, ref, w ? model.window_name(*w) : "win?",
                      wit != model.windows.end() ? &wit->second : nullptr, invalid_rank_as_given(*t), out);
      return true;
    }
    if (!traits.is_rma() || wit == model.windows.end() || *t < 0) return true;
    check_rma(ctx, log, ref, wit->second, static_cast<int>(*t), out);
    return wit->second.flavor != kWinDynamic;
  }

  void bad_target_rank(const Model& model, EventRef ref, const std::string& wname, const WindowModel* wm, int64_t given,
                       Analysis& out) {
    const std::string valid = wm ? std::to_string(static_cast<int64_t>(wm->members.size()) - 1) : "?";
    report(out, model, ref, wname,
           "rank " + std::to_string(ref.rank) + ": " + model.event(ref).name() + " on window '" + wname +
               "' names target rank " + std::to_string(given) +
               ", which is not a rank of the window's group (valid: 0.." + valid + ", or MPI_PROC_NULL)" +
               call_outcome(model, ref),
           kCode_bad_target_rank, -1, -1, -1);
  }

  void check_rma(AnalysisContext& ctx, const RankLog& log, EventRef ref, const WindowModel& wm, int t, Analysis& out) {
    const Model& model = ctx.model();
    const RmaCall c{model, log, ref, wm, t, call_traits(model.event(ref).call)};
    check_op(c, out);
    check_target_range(ctx, c, out);
    // Fetch_and_op and Compare_and_swap take one datatype for every side: nothing to compare.
    int datatypes = 0;
    for (const HandleArg& h : c.traits.handles) datatypes += h.kind == HandleKind::kDatatype;
    if (datatypes == 1) return;
    check_signatures(c, out);
    check_accumulate_types(c, out);
  }

  // One RMA call under examination, with what every check needs.
  struct RmaCall {
    RmaCall(const Model& m, const RankLog& l, EventRef r, const WindowModel& w, int target, const CallTraits& tr)
        : model(m), log(l), ref(r), wm(w), t(target), traits(tr), view(l.view(m.event(r))) {
      op = view.get_or(kF_op, -1);
      count = view.get_or(kF_target_count, 0);
      type = view.get_or(kF_target_type, -1);
      // A fetching accumulate with MPI_NO_OP ignores its origin.
      ignore_origin = op == kOp_MPI_NO_OP && traits.role == CallRole::kGetAccumulate;
    }
    const Model& model;
    const RankLog& log;
    EventRef ref;
    const WindowModel& wm;
    int t;
    const CallTraits& traits;
    EventView view;
    int64_t op, count, type;
    // The words of a finding: built only for a call that has one (most RMA calls are fine).
    std::string me() const { return "rank " + std::to_string(log.rank) + ": "; }
    std::string call() const { return describe_call(model, ref); }
    bool ignore_origin;
  };

  // Ops of the accumulate family.
  void check_op(const RmaCall& c, Analysis& out) {
    if (!c.traits.is_accumulate() || !c.view.has(kF_op)) return;
    if (c.op >= kUserOpBase) {
      report(out, c.model, c.ref, c.wm.name,
             c.me() + c.call() + " on window '" + c.wm.name +
                 "' uses a user-defined MPI_Op: RMA accumulate operations accept "
                 "only predefined operations (and MPI_REPLACE / MPI_NO_OP)",
             kCode_user_op, c.t, -1, -1);
    } else if (c.op == kOp_MPI_NO_OP && c.traits.role == CallRole::kAccumulate) {
      report(out, c.model, c.ref, c.wm.name,
             c.me() + c.call() + " on window '" + c.wm.name +
                 "' uses MPI_NO_OP, which only MPI_Get_accumulate, "
                 "MPI_Rget_accumulate and MPI_Fetch_and_op accept",
             kCode_no_op_in_accumulate, c.t, -1, -1);
    }
  }

  // Target bytes inside the target's window (or an attached region of a dynamic window).
  void check_target_range(AnalysisContext& ctx, const RmaCall& c, Analysis& out) {
    const WindowModel& wm = c.wm;
    const size_t wr = wm.window_rank(c.t);
    auto tl = c.log.types.find(c.type);
    if (wr >= wm.members.size() || c.count <= 0 || tl == c.log.types.end()) return;
    const TypeLayout& L = tl->second;
    const int64_t disp = c.view.get_or(kF_disp, 0);
    if (L.extent < 0 || L.true_extent <= 0) return;
    // Extreme counts, extents and displacements (a damaged log) overflow: such bytes are in no window.
    const int64_t span_lo = L.true_lb;
    auto last = checked_mul_add(L.true_lb, c.count - 1, L.extent);
    auto span_hi = last ? checked_add(*last, L.true_extent) : std::nullopt;
    if (wm.flavor == kWinDynamic) {
      auto lo = checked_add(disp, span_lo), hi = span_hi ? checked_add(disp, *span_hi) : std::nullopt;
      if (lo && hi) check_dynamic(ctx, c.ref, wm, c.t, *lo, *hi, out);
      return;
    }
    if (wr >= wm.sizes.size() || wr >= wm.units.size()) return;
    auto base = checked_mul(disp, wm.units[wr]);
    auto lo_ok = base ? checked_add(*base, span_lo) : std::nullopt;
    auto hi_ok = base && span_hi ? checked_add(*base, *span_hi) : std::nullopt;
    const int64_t size = wm.sizes[wr];
    const int64_t lo = lo_ok.value_or(INT64_MIN), hi = hi_ok.value_or(INT64_MAX);
    if (lo_ok && hi_ok && lo >= 0 && hi <= size) return;
    report(out, c.model, c.ref, wm.name,
           c.me() + c.call() + " accesses bytes [" + std::to_string(lo) + "," + std::to_string(hi) + ") of rank " +
               std::to_string(c.t) + "'s window '" + wm.name + "', which is only " + std::to_string(size) +
               " bytes long (target_disp " + std::to_string(disp) + " x disp_unit " + std::to_string(wm.units[wr]) +
               " of rank " + std::to_string(c.t) + ", then " + describe_type(c.log, c.count, c.type) + ")" +
               call_outcome(c.model, c.ref),
           kCode_out_of_window, c.t, lo, hi);
  }

  // Origin (and result) type signatures equal to the target's.
  void check_signatures(const RmaCall& c, Analysis& out) {
    std::optional<Signature> target;  // made only for a side that is not the target's count and type
    auto compare = [&](FieldId cf, FieldId tf, const char* what, FindingCode code) {
      auto n = c.view.get(cf);
      auto ty = c.view.get(tf);
      if (!n || !ty) return;
      if (*n == c.count && *ty == c.type) return;  // one rank's same count of the same type: the same signature
      if (!target) target = signature(c.log, c.type, c.count);
      const Signature s = signature(c.log, *ty, *n);
      if (same_signature(s, *target)) return;
      report(out, c.model, c.ref, c.wm.name,
             c.me() + c.call() + " on window '" + c.wm.name + "': the " + what + " data (" +
                 describe_type(c.log, *n, *ty) + ") and the target data (" + describe_type(c.log, c.count, c.type) +
                 ") have different type signatures; "
                 "they must be the same sequence of basic types" +
                 call_outcome(c.model, c.ref),
             code, c.t, -1, -1);
    };
    if (!c.ignore_origin) compare(kF_origin_count, kF_origin_type, "origin", kCode_origin_target_type_mismatch);
    if (c.traits.role == CallRole::kGetAccumulate)
      compare(kF_result_count, kF_result_type, "result", kCode_result_target_type_mismatch);
  }

  // Accumulate: each datatype built from one basic type (MAXLOC/MINLOC pair types mix two).
  void check_accumulate_types(const RmaCall& c, Analysis& out) {
    if (!c.traits.is_accumulate() || c.op == kOp_MPI_MAXLOC || c.op == kOp_MPI_MINLOC) return;
    for (auto [cf, tf] : {std::pair{kF_origin_count, kF_origin_type}, std::pair{kF_target_count, kF_target_type}}) {
      if (c.ignore_origin && tf == kF_origin_type) continue;
      auto ty = c.view.get(tf);
      if (!ty || *ty < kDerivedTypeBase) continue;
      const Signature s = signature(c.log, *ty, 1, /*expand_pairs=*/false);
      if (!s.known || s.has_byte) continue;
      std::set<int> classes;
      for (const SignatureRun& r : s.runs) classes.insert(r.cls);
      if (classes.size() > 1) {
        report(out, c.model, c.ref, c.wm.name,
               c.me() + c.call() + " on window '" + c.wm.name +
                   "' uses a derived datatype made of several basic types (" +
                   describe_type(c.log, c.view.get_or(cf, 1), *ty) +
                   "): accumulate operations need datatypes built from "
                   "a single predefined type",
               kCode_mixed_accumulate_type, c.t, -1, -1);
        return;
      }
    }
  }

  // When the target attached or detached a region, compared with the RMA call on another rank: by
  // happens-before where the program's synchronization orders the two (an attach, then the address
  // sent in a message or an Allgather, then the Put), not by the ranks' clocks, which differ by
  // microseconds (6.6 us seen between two ranks of one machine: a correct program got "no region
  // attached"). (Happens-before's lock edges come from the order the unlocks were seen in.)
  // Only calls nothing orders are compared by their times: a program that does not order them
  // cannot count on either order, and the times are what happened in this run.
  //
  // The region was attached before the call ended (it may take part in the access).
  static bool attached_before_end(AnalysisContext& ctx, EventRef call, const Event& e, EventRef attach,
                                  const Event& a) {
    const HappensBefore& hb = ctx.happens_before();
    if (hb.ordered(exit_node(attach.rank, attach.index), entry_node(call.rank, call.index))) return true;
    if (e.returned && hb.ordered(exit_node(call.rank, call.index), entry_node(attach.rank, attach.index))) return false;
    return a.t_enter <= (e.returned ? e.t_exit : INT64_MAX);
  }
  // The region's detach had returned before the call was made.
  static bool detached_before_start(AnalysisContext& ctx, EventRef call, const Event& e, EventRef detach,
                                    const Event& d) {
    if (!d.returned) return false;
    const HappensBefore& hb = ctx.happens_before();
    if (hb.ordered(exit_node(detach.rank, detach.index), entry_node(call.rank, call.index))) return true;
    if (hb.ordered(entry_node(call.rank, call.index), entry_node(detach.rank, detach.index))) return false;
    return d.t_exit < e.t_enter;
  }

  // A region a rank attached to a dynamic window: its MPI_Win_attach, bytes, and the first
  // MPI_Win_detach of its address after it (if any). Found once per target and window: a program
  // that puts into a dynamic window a million times must not scan the target's log each time.
  struct AttachedRegion {
    uint32_t attach;
    int64_t base, end;
    std::optional<uint32_t> detach;
  };
  const std::vector<AttachedRegion>& regions_of(const RankLog& tlog, int64_t win) {
    auto [it, fresh] = regions_.try_emplace({tlog.rank, win});
    if (!fresh) return it->second;
    std::vector<AttachedRegion>& regions = it->second;
    std::multimap<int64_t, size_t> undetached;  // base -> regions with no detach yet
    for (uint32_t i = 0; i < tlog.events.size(); ++i) {
      const Event& ev = tlog.events[i];
      if (ev.call != kCall_Win_attach && ev.call != kCall_Win_detach) continue;
      EventView v = tlog.view(ev);
      if (v.get_or(kF_win, 0) != win) continue;
      const int64_t base = v.get_or(kF_addr, 0);
      if (ev.call == kCall_Win_detach) {
        auto [first, last] = undetached.equal_range(base);
        for (auto r = first; r != last; ++r) regions[r->second].detach = i;
        undetached.erase(first, last);
        continue;
      }
      const int64_t size = v.get_or(kF_size, 0);
      const std::optional<int64_t> end = checked_add(base, size);
      if (!end || size < 0) continue;  // no region a program could attach
      undetached.emplace(base, regions.size());
      regions.push_back({i, base, *end, std::nullopt});
    }
    return regions;
  }
  std::map<std::pair<int, int64_t>, std::vector<AttachedRegion>> regions_;  // (target rank, window) -> its regions

  void check_dynamic(AnalysisContext& ctx, EventRef ref, const WindowModel& wm, int t, int64_t lo, int64_t hi,
                     Analysis& out) {
    const Model& model = ctx.model();
    const RankLog* tlog = model.rank_log(t);
    if (!tlog) return;
    const Event& e = model.event(ref);
    std::optional<EventRef> detached_before;  // a region covering the range that was detached before the call
    bool covered = false;
    std::vector<std::pair<int64_t, int64_t>> live;  // regions attached while the call ran, overlapping the range
    std::vector<EventRef> live_attach;
    for (const AttachedRegion& r : regions_of(*tlog, wm.id)) {
      const bool contains = lo >= r.base && hi <= r.end;
      if (!contains && (hi <= r.base || lo >= r.end)) continue;
      const bool attached_in_time = attached_before_end(ctx, ref, e, {t, r.attach}, tlog->events[r.attach]);
      const bool not_yet_detached =
          !r.detach || !detached_before_start(ctx, ref, e, {t, *r.detach}, tlog->events[*r.detach]);
      if (attached_in_time && not_yet_detached && contains) {
        covered = true;
        break;
      }
      if (attached_in_time && not_yet_detached) {
        live.push_back({r.base, r.end});
        live_attach.push_back({t, r.attach});
      } else if (!not_yet_detached && contains) {
        detached_before = EventRef{t, *r.detach};
      }
    }
    if (covered) return;
    if (spans_regions(live, lo, hi)) {
      // MPI-3.1 11.2.4 does not say whether one access may span two attached
      // regions that happen to be adjacent: one MPI library accepts it,
      // another rejects it. Portable code splits the access at the boundary.
      std::vector<Access> a{{ref, rma_target_access(model, ref), t, lo, hi, "RMA call"}};
      for (const EventRef& at : live_attach) a.push_back({at, "call", -1, -1, -1, "one of the regions"});
      Finding f = coded_finding(kCode_spans_regions);
      f.window = wm.name;
      f.message = "rank " + std::to_string(ref.rank) + ": " + describe_call(model, ref) + " accesses addresses [" +
                  hex(lo) + "," + hex(hi) + ") of rank " + std::to_string(t) + "'s dynamic window '" + wm.name +
                  "', which span " + std::to_string(live.size()) +
                  " adjacent regions attached with MPI_Win_attach: MPI does not say whether one access may cross "
                  "from one attached region into another, and MPI libraries differ (split the access at the region "
                  "boundary, or attach one region)";
      f.accesses = std::move(a);
      out.findings.push_back(std::move(f));
      return;
    }
    const std::string hex_lo = hex(lo), hex_hi = hex(hi);
    std::vector<Access> a{{ref, rma_target_access(model, ref), t, lo, hi, "RMA call"}};
    std::string why = "no region attached by rank " + std::to_string(t) + " with MPI_Win_attach covers it";
    if (detached_before) {
      why = "the region holding it was detached by rank " + std::to_string(t) + " before the call";
      a.push_back({*detached_before, "call", -1, -1, -1, "region detached here"});
    }
    Finding f = coded_finding(kCode_not_attached);
    f.window = wm.name;
    f.message = "rank " + std::to_string(ref.rank) + ": " + describe_call(model, ref) + " accesses addresses [" +
                hex_lo + "," + hex_hi + ") of rank " + std::to_string(t) + "'s dynamic window '" + wm.name + "', but " +
                why + call_outcome(model, ref);
    f.accesses = std::move(a);
    out.findings.push_back(std::move(f));
  }

  // Whether regions together cover [lo, hi) without a gap.
  static bool spans_regions(std::vector<std::pair<int64_t, int64_t>> regions, int64_t lo, int64_t hi) {
    if (regions.size() < 2) return false;
    std::sort(regions.begin(), regions.end());
    int64_t at = lo;
    for (const auto& [b, e] : regions) {
      if (b > at) return false;
      at = std::max(at, e);
      if (at >= hi) return true;
    }
    return false;
  }

  static std::string hex(int64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
  }

  void report(Analysis& out, const Model& model, EventRef ref, const std::string& win, std::string msg,
              FindingCode code, int target, int64_t lo, int64_t hi) {
    Finding f = coded_finding(code);
    f.window = win;
    f.message = std::move(msg);
    const bool rma = call_traits(model.event(ref).call).is_rma();
    f.accesses.push_back({ref, rma ? rma_target_access(model, ref) : "call", target, lo, hi, ""});
    out.findings.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Detector> make_rma_argument_detector() { return std::make_unique<RmaArgumentDetector>(); }

}  // namespace rmacheck
