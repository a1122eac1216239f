// `invalid-rma-arg` (rma-semantics.md section 5, last rule):
// - a target rank outside the window's group (the interposer logs an
//   invalid rank r as -1000-r), for RMA calls and Win_lock/unlock/flush;
// - target bytes outside the target's window: disp * disp_unit of the TARGET
//   rank, plus the true extent of target_count x target datatype (the
//   datatype's layout comes from the ORIGIN's log: types are per rank and
//   the origin names the target type), must lie in [0, size of the target's
//   window); for dynamic windows the displacement is an address and the
//   range must lie inside one region that the target attached
//   (Win_attach/Win_detach on the target), judged by time: a region counts
//   if it may have been attached while the call ran;
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
#include <cstdio>
#include <map>
#include <set>

#include "detectors/detector.h"
#include "model/epoch_tracker.h"

namespace rmacheck {

namespace {

const char* basic_name(int64_t code) {
  static const char* const names[] = {
#define RMACHECK_BASIC_TYPE(handle, name) name,
#include "basic_types.def"
  };
  if (code >= 0 && code < static_cast<int64_t>(sizeof names / sizeof names[0])) return names[code];
  return nullptr;
}

int64_t basic_code(const char* want) {
  static const char* const names[] = {
#define RMACHECK_BASIC_TYPE(handle, name) name,
#include "basic_types.def"
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (std::string(names[i]) == want) return static_cast<int64_t>(i);
  return -100;
}

// Equivalence classes of predefined basic types (LP64 Linux): types in one
// class have the same representation. kByteClass matches anything by size.
constexpr int kByteClass = -10;
int type_class(int32_t basic) {
  static const std::map<int64_t, int> classes = [] {
    std::map<int64_t, int> m;
    auto put = [&](int cls, std::initializer_list<const char*> names) {
      for (const char* n : names) m[basic_code(n)] = cls;
    };
    put(-11, {"MPI_SIGNED_CHAR", "MPI_INT8_T", "MPI_INTEGER1"});
    put(-12, {"MPI_SHORT", "MPI_INT16_T", "MPI_INTEGER2"});
    put(-13, {"MPI_INT", "MPI_INT32_T", "MPI_INTEGER", "MPI_INTEGER4"});
    put(-14, {"MPI_LONG", "MPI_LONG_LONG_INT", "MPI_LONG_LONG", "MPI_INT64_T", "MPI_INTEGER8", "MPI_AINT", "MPI_OFFSET",
              "MPI_COUNT"});
    put(-15, {"MPI_UNSIGNED_CHAR", "MPI_UINT8_T"});
    put(-16, {"MPI_UNSIGNED_SHORT", "MPI_UINT16_T"});
    put(-17, {"MPI_UNSIGNED", "MPI_UINT32_T"});
    put(-18, {"MPI_UNSIGNED_LONG", "MPI_UNSIGNED_LONG_LONG", "MPI_UINT64_T"});
    put(-19, {"MPI_FLOAT", "MPI_REAL", "MPI_REAL4"});
    put(-20, {"MPI_DOUBLE", "MPI_DOUBLE_PRECISION", "MPI_REAL8"});
    put(-21, {"MPI_C_FLOAT_COMPLEX", "MPI_C_COMPLEX", "MPI_COMPLEX", "MPI_COMPLEX8", "MPI_CXX_FLOAT_COMPLEX"});
    put(-22, {"MPI_C_DOUBLE_COMPLEX", "MPI_DOUBLE_COMPLEX", "MPI_COMPLEX16", "MPI_CXX_DOUBLE_COMPLEX"});
    put(kByteClass, {"MPI_BYTE", "MPI_PACKED"});
    m.erase(-100);
    return m;
  }();
  auto it = classes.find(basic);
  return it == classes.end() ? basic : it->second;
}

struct Run {
  int cls;
  int64_t bytes;
  bool operator==(const Run& o) const { return cls == o.cls && bytes == o.bytes; }
};

struct Signature {
  bool known = false;  // false: layout missing, truncated or too long to compare
  bool has_byte = false;
  int64_t total = 0;
  std::vector<Run> runs;
};

// The MINLOC/MAXLOC pair types, which the log keeps as one block per pair
// element (or per run of adjacent elements): their type signature is that of
// their two halves (LP64 Linux layouts, as the interposer's offsetof gives).
struct PairLayout {
  const char *pair, *first;
  int64_t first_size;
  const char* second;
  int64_t second_offset, second_size, extent;
};
const PairLayout* pair_layout(int32_t code) {
  static const std::map<int64_t, PairLayout> pairs = [] {
    const PairLayout all[] = {
        {"MPI_FLOAT_INT", "MPI_FLOAT", 4, "MPI_INT", 4, 4, 8},
        {"MPI_DOUBLE_INT", "MPI_DOUBLE", 8, "MPI_INT", 8, 4, 16},
        {"MPI_LONG_INT", "MPI_LONG", 8, "MPI_INT", 8, 4, 16},
        {"MPI_2INT", "MPI_INT", 4, "MPI_INT", 4, 4, 8},
        {"MPI_SHORT_INT", "MPI_SHORT", 2, "MPI_INT", 4, 4, 8},
        {"MPI_LONG_DOUBLE_INT", "MPI_LONG_DOUBLE", 16, "MPI_INT", 16, 4, 32},
        {"MPI_2REAL", "MPI_REAL", 4, "MPI_REAL", 4, 4, 8},
        {"MPI_2DOUBLE_PRECISION", "MPI_DOUBLE_PRECISION", 8, "MPI_DOUBLE_PRECISION", 8, 8, 16},
        {"MPI_2INTEGER", "MPI_INTEGER", 4, "MPI_INTEGER", 4, 4, 8},
        {"MPI_2COMPLEX", "MPI_COMPLEX", 8, "MPI_COMPLEX", 8, 8, 16},
        {"MPI_2DOUBLE_COMPLEX", "MPI_DOUBLE_COMPLEX", 16, "MPI_DOUBLE_COMPLEX", 16, 16, 32},
    };
    std::map<int64_t, PairLayout> m;
    for (const PairLayout& p : all) m[basic_code(p.pair)] = p;
    return m;
  }();
  auto it = pairs.find(code);
  return it == pairs.end() ? nullptr : &it->second;
}

// With expand_pairs, a pair type counts as its two halves (MPI_2INT matches
// 2 x MPI_INT); without, as one predefined type of its own (the accumulate
// rule "built from one predefined type": pair types are predefined).
Signature signature(const RankLog& log, int64_t type, int64_t count, bool expand_pairs = true) {
  Signature s;
  auto it = log.types.find(type);
  if (it == log.types.end() || it->second.truncated || count < 0) return s;
  const TypeLayout& t = it->second;
  std::vector<Run> one;  // one element
  int64_t one_total = 0;
  auto add = [&](int cls, int64_t bytes) {
    if (cls == kByteClass) s.has_byte = true;
    one_total += bytes;
    if (!one.empty() && one.back().cls == cls)
      one.back().bytes += bytes;
    else
      one.push_back({cls, bytes});
  };
  for (const TypeBlockRec& b : t.blocks) {
    if (b.basic < 0) return s;
    if (b.length <= 0) continue;
    const PairLayout* pair = expand_pairs ? pair_layout(b.basic) : nullptr;
    if (!pair) {
      add(type_class(b.basic), b.length);
      continue;
    }
    const int64_t true_extent = pair->second_offset + pair->second_size;
    for (int64_t at = 0; at + true_extent <= b.length; at += pair->extent) {
      add(type_class(static_cast<int32_t>(basic_code(pair->first))), pair->first_size);
      add(type_class(static_cast<int32_t>(basic_code(pair->second))), pair->second_size);
    }
  }
  s.total = one_total * count;
  if (one.size() <= 1) {  // a single basic type: no need to repeat
    if (!one.empty() && count > 0) s.runs.push_back({one[0].cls, one[0].bytes * count});
    s.known = true;
    return s;
  }
  constexpr int64_t kMaxRuns = 1 << 16;
  if (count * static_cast<int64_t>(one.size()) > kMaxRuns) return Signature{};
  for (int64_t i = 0; i < count; ++i) {
    for (const Run& r : one) {
      if (!s.runs.empty() && s.runs.back().cls == r.cls)
        s.runs.back().bytes += r.bytes;
      else
        s.runs.push_back(r);
    }
  }
  s.known = true;
  return s;
}

bool same_signature(const Signature& a, const Signature& b) {
  if (!a.known || !b.known) return true;
  if (a.has_byte || b.has_byte) return a.total == b.total;
  return a.runs == b.runs;
}

std::string describe_type(const RankLog& log, int64_t count, int64_t type) {
  std::string s = std::to_string(count) + " x ";
  if (type < kDerivedTypeBase) {
    const char* n = basic_name(type);
    return s + (n ? n : "datatype#" + std::to_string(type));
  }
  s += "derived datatype";
  auto it = log.types.find(type);
  if (it != log.types.end()) {
    std::vector<std::string> basics;
    for (const TypeBlockRec& b : it->second.blocks) {
      const char* n = basic_name(b.basic);
      std::string bn = n ? n : "?";
      if (std::find(basics.begin(), basics.end(), bn) == basics.end()) basics.push_back(bn);
      if (basics.size() > 3) break;
    }
    std::string list;
    for (size_t i = 0; i < basics.size() && i < 3; ++i) list += (i ? "," : "") + basics[i];
    if (basics.size() > 3) list += ",...";
    s += " (" + std::to_string(it->second.size) + " bytes of " + list + ")";
  }
  return s;
}

class RmaArgumentDetector : public Detector {
 public:
  const char* name() const override { return "rma-argument"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    for (const RankLog& log : model.logs) {
      for (uint32_t i = 0; i < log.events.size(); ++i) {
        const Event& e = log.events[i];
        EventRef ref{log.rank, i};
        const bool rma = is_rma_call(e.call);
        const bool sync_target = e.call == kCall_Win_lock || e.call == kCall_Win_unlock || e.call == kCall_Win_flush ||
                                 e.call == kCall_Win_flush_local;
        if (!rma && !sync_target) continue;
        EventView v = log.view(e);
        auto w = v.get(kF_win);
        auto wit = w ? model.windows.find(*w) : model.windows.end();
        const std::string wname = w ? model.window_name(*w) : "win?";
        auto t = v.get(kF_target);
        if (!t || *t == kRankProcNull) continue;
        if (*t <= -1000) {
          const int64_t given = -1000 - *t;
          std::string size = wit != model.windows.end() ? std::to_string(wit->second.members.size()) : "?";
          report(out, model, ref, wname,
                 "rank " + std::to_string(log.rank) + ": " + e.name() + " on window '" + wname +
                     "' names target rank " + std::to_string(given) +
                     ", which is not a rank of the window's group (valid: 0.." +
                     (size == "?" ? size : std::to_string(std::stoll(size) - 1)) + ", or MPI_PROC_NULL)" +
                     call_outcome(model, ref),
                 "bad-target-rank", -1, -1, -1);
          continue;
        }
        if (!rma || wit == model.windows.end()) continue;
        check_rma(model, log, ref, wit->second, static_cast<int>(*t), out);
      }
    }
  }

 private:
  void check_rma(const Model& model, const RankLog& log, EventRef ref, const WindowModel& wm, int t, Analysis& out) {
    const Event& e = model.event(ref);
    EventView v = log.view(e);
    const std::string me = "rank " + std::to_string(log.rank) + ": ";
    const std::string call = describe_call(model, ref);
    const int64_t op = v.get_or(kF_op, -1);

    // Ops of the accumulate family.
    if (is_accumulate_call(e.call) && v.has(kF_op)) {
      if (op >= kUserOpBase) {
        report(out, model, ref, wm.name,
               me + call + " on window '" + wm.name +
                   "' uses a user-defined MPI_Op: RMA accumulate operations accept "
                   "only predefined operations (and MPI_REPLACE / MPI_NO_OP)",
               "user-op", t, -1, -1);
      } else if (op == kOp_MPI_NO_OP && (e.call == kCall_Accumulate || e.call == kCall_Raccumulate)) {
        report(out, model, ref, wm.name,
               me + call + " on window '" + wm.name +
                   "' uses MPI_NO_OP, which only MPI_Get_accumulate, "
                   "MPI_Rget_accumulate and MPI_Fetch_and_op accept",
               "no-op-in-accumulate", t, -1, -1);
      }
    }

    // Target range.
    auto pos = std::find(wm.members.begin(), wm.members.end(), t);
    const int64_t count = v.get_or(kF_target_count, 0);
    const int64_t type = v.get_or(kF_target_type, -1);
    auto tl = log.types.find(type);
    if (pos != wm.members.end() && count > 0 && tl != log.types.end()) {
      const size_t wr = static_cast<size_t>(pos - wm.members.begin());
      const TypeLayout& L = tl->second;
      const int64_t disp = v.get_or(kF_disp, 0);
      if (L.extent >= 0 && L.true_extent > 0) {
        const int64_t span_lo = L.true_lb, span_hi = (count - 1) * L.extent + L.true_lb + L.true_extent;
        if (wm.flavor == kWinDynamic) {
          check_dynamic(model, ref, wm, t, disp + span_lo, disp + span_hi, out);
        } else if (wr < wm.sizes.size() && wr < wm.units.size()) {
          const int64_t base = disp * wm.units[wr];
          const int64_t lo = base + span_lo, hi = base + span_hi, size = wm.sizes[wr];
          if (lo < 0 || hi > size) {
            report(out, model, ref, wm.name,
                   me + call + " accesses bytes [" + std::to_string(lo) + "," + std::to_string(hi) + ") of rank " +
                       std::to_string(t) + "'s window '" + wm.name + "', which is only " + std::to_string(size) +
                       " bytes long (target_disp " + std::to_string(disp) + " x disp_unit " +
                       std::to_string(wm.units[wr]) + " of rank " + std::to_string(t) + ", then " +
                       describe_type(log, count, type) + ")" + call_outcome(model, ref),
                   "out-of-window", t, lo, hi);
          }
        }
      }
    }

    // Type signatures.
    if (e.call == kCall_Fetch_and_op || e.call == kCall_Compare_and_swap) return;
    const Signature target = signature(log, type, count);
    const bool ignore_origin =
        op == kOp_MPI_NO_OP && (e.call == kCall_Get_accumulate || e.call == kCall_Rget_accumulate);
    auto compare = [&](FieldId cf, FieldId tf, const char* what) {
      auto c = v.get(cf);
      auto ty = v.get(tf);
      if (!c || !ty) return;
      const Signature s = signature(log, *ty, *c);
      if (same_signature(s, target)) return;
      report(out, model, ref, wm.name,
             me + call + " on window '" + wm.name + "': the " + what + " data (" + describe_type(log, *c, *ty) +
                 ") and the target data (" + describe_type(log, count, type) +
                 ") have different type signatures; "
                 "they must be the same sequence of basic types" +
                 call_outcome(model, ref),
             std::string(what) + "-target-type-mismatch", t, -1, -1);
    };
    if (!ignore_origin) compare(kF_origin_count, kF_origin_type, "origin");
    if (e.call == kCall_Get_accumulate || e.call == kCall_Rget_accumulate)
      compare(kF_result_count, kF_result_type, "result");

    // Accumulate: each datatype built from one basic type.
    if (is_accumulate_call(e.call) && op != kOp_MPI_MAXLOC && op != kOp_MPI_MINLOC) {
      for (auto [cf, tf] : {std::pair{kF_origin_count, kF_origin_type}, std::pair{kF_target_count, kF_target_type}}) {
        if (ignore_origin && tf == kF_origin_type) continue;
        auto ty = v.get(tf);
        if (!ty || *ty < kDerivedTypeBase) continue;
        const Signature s = signature(log, *ty, 1, /*expand_pairs=*/false);
        if (!s.known || s.has_byte) continue;
        std::set<int> classes;
        for (const Run& r : s.runs) classes.insert(r.cls);
        if (classes.size() > 1) {
          report(out, model, ref, wm.name,
                 me + call + " on window '" + wm.name + "' uses a derived datatype made of several basic types (" +
                     describe_type(log, v.get_or(cf, 1), *ty) +
                     "): accumulate operations need datatypes built from "
                     "a single predefined type",
                 "mixed-accumulate-type", t, -1, -1);
          break;
        }
      }
    }
  }

  void check_dynamic(const Model& model, EventRef ref, const WindowModel& wm, int t, int64_t lo, int64_t hi,
                     Analysis& out) {
    const RankLog* tlog = model.rank_log(t);
    if (!tlog) return;
    const Event& e = model.event(ref);
    std::optional<EventRef> detached_before;  // a region covering the range that was detached before the call
    bool covered = false;
    std::vector<std::pair<int64_t, int64_t>> live;  // regions attached while the call ran, overlapping the range
    std::vector<EventRef> live_attach;
    for (uint32_t i = 0; i < tlog->events.size() && !covered; ++i) {
      const Event& a = tlog->events[i];
      if (a.call != kCall_Win_attach) continue;
      EventView av = tlog->view(a);
      if (av.get_or(kF_win, 0) != wm.id) continue;
      const int64_t base = av.get_or(kF_addr, 0), size = av.get_or(kF_size, 0);
      const bool contains = lo >= base && hi <= base + size;
      if (!contains && (hi <= base || lo >= base + size)) continue;
      // The region's detach, if any.
      std::optional<uint32_t> detach;
      for (uint32_t j = i + 1; j < tlog->events.size(); ++j) {
        const Event& d = tlog->events[j];
        if (d.call != kCall_Win_detach) continue;
        EventView dv = tlog->view(d);
        if (dv.get_or(kF_win, 0) == wm.id && dv.get_or(kF_addr, 0) == base) {
          detach = j;
          break;
        }
      }
      const bool attached_in_time = a.t_enter <= (e.returned ? e.t_exit : INT64_MAX);
      const bool not_yet_detached =
          !detach || tlog->events[*detach].t_exit >= e.t_enter || !tlog->events[*detach].returned;
      if (attached_in_time && not_yet_detached && contains) {
        covered = true;
      } else if (attached_in_time && not_yet_detached) {
        live.push_back({base, base + size});
        live_attach.push_back({t, i});
      } else if (!not_yet_detached && contains) {
        detached_before = EventRef{t, *detach};
      }
    }
    if (covered) return;
    if (spans_regions(live, lo, hi)) {
      // MPI-3.1 11.2.4 does not say whether one access may span two attached
      // regions that happen to be adjacent: one MPI library accepts it,
      // another rejects it. Portable code splits the access at the boundary.
      std::vector<Access> a{{ref, rma_target_access(model, ref), t, lo, hi, "RMA call"}};
      for (const EventRef& at : live_attach) a.push_back({at, "call", -1, -1, -1, "one of the regions"});
      Finding f;
      f.kind = kKind_rma_portability;
      f.window = wm.name;
      f.message = "rank " + std::to_string(ref.rank) + ": " + describe_call(model, ref) + " accesses addresses [" +
                  hex(lo) + "," + hex(hi) + ") of rank " + std::to_string(t) + "'s dynamic window '" + wm.name +
                  "', which span " + std::to_string(live.size()) +
                  " adjacent regions attached with MPI_Win_attach: MPI does not say whether one access may cross "
                  "from one attached region into another, and MPI libraries differ (split the access at the region "
                  "boundary, or attach one region)";
      f.accesses = std::move(a);
      f.details = {{"code", "spans-regions"}};
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
    Finding f;
    f.kind = kKind_invalid_rma_arg;
    f.window = wm.name;
    f.message = "rank " + std::to_string(ref.rank) + ": " + describe_call(model, ref) + " accesses addresses [" +
                hex_lo + "," + hex_hi + ") of rank " + std::to_string(t) + "'s dynamic window '" + wm.name + "', but " +
                why + call_outcome(model, ref);
    f.accesses = std::move(a);
    f.details = {{"code", "not-attached"}};
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
              const std::string& code, int target, int64_t lo, int64_t hi) {
    Finding f;
    f.kind = kKind_invalid_rma_arg;
    f.window = win;
    f.message = std::move(msg);
    const Event& e = model.event(ref);
    Access a{ref, is_rma_call(e.call) ? rma_target_access(model, ref) : "call", target, lo, hi, ""};
    f.accesses.push_back(a);
    f.details = {{"code", code}};
    out.findings.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Detector> make_rma_argument_detector() { return std::make_unique<RmaArgumentDetector>(); }

}  // namespace rmacheck
