// `invalid-arg` (rma-semantics.md section 8): arguments no call may take,
// judged per call from its call_traits.def rows, not from lists of calls:
// - handles (datatype, communicator, window, group, op): the null handle
//   where a live one is needed; a handle used, or freed again, after the
//   call that freed it (the interposer logs a freed handle by its old id,
//   handles.h, so the free is found in the same rank's log); a window
//   handle no window creation returned; a derived datatype created by a
//   logged constructor and used for communication before its Type_commit.
//   Requests are the request detector's (request-misuse), info handles are
//   not logged. A handle counts as freed only when this rank's log shows its
//   creation and its free (communicators made by calls rmacheck does not
//   wrap share ids and are never judged freed);
// - ranks of the communicator's group: a rank that names no process, or
//   MPI_ANY_SOURCE / MPI_PROC_NULL where the row does not allow it. Window
//   ranks of RMA and synchronization calls are invalid-rma-arg's
//   (bad-target-rank). Roots of rows that allow intercommunicator roots
//   accept any negative rank: MPI_ROOT's value is the MPI library's and the
//   log does not say whether the communicator is an intercommunicator;
// - tags: negative other than MPI_ANY_TAG where the row allows it, or above
//   the MPI_TAG_UB the log header gives (logs without it: not judged);
// - buffers: a negative count; a NULL buffer with a nonzero count whose
//   datatype is predefined or has its data within the first page (a type
//   built for MPI_BOTTOM holds absolute addresses: not judged); calls that
//   name MPI_PROC_NULL are not judged (their buffers are not used), nor the
//   origin of an accumulate with MPI_NO_OP (ignored);
// - window memory: a negative size, a NULL base with a nonzero size, a
//   disp_unit <= 0.
// A call MPI rejected or aborted in is also mpi-error (program_failure_detector);
// this detector runs first, so its finding, which says why, comes first.
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "call_traits.h"
#include "detectors/clean_runs.h"
#include "detectors/detector.h"
#include "detectors/wording.h"

namespace rmacheck {

namespace {

// The life of one object of a rank, as far as its log shows it.
struct Life {
  std::optional<EventRef> created, committed, freed;
  const char* free_call = nullptr;
};

const char* kind_words(HandleKind k) {
  switch (k) {
    case HandleKind::kDatatype:
      return "datatype";
    case HandleKind::kComm:
      return "communicator";
    case HandleKind::kGroup:
      return "group";
    case HandleKind::kWin:
      return "window";
    case HandleKind::kRequest:
      return "request";
    case HandleKind::kOp:
      return "op";
    case HandleKind::kInfo:
      return "info";
  }
  return "handle";
}

const char* null_name(HandleKind k) {
  switch (k) {
    case HandleKind::kDatatype:
      return "MPI_DATATYPE_NULL";
    case HandleKind::kComm:
      return "MPI_COMM_NULL";
    case HandleKind::kGroup:
      return "MPI_GROUP_NULL";
    case HandleKind::kWin:
      return "MPI_WIN_NULL";
    case HandleKind::kOp:
      return "MPI_OP_NULL";
    default:
      return "the null handle";
  }
}

// Which argument a field holds, in words ("origin datatype", "receive count").
std::string arg_words(FieldId f) {
  switch (f) {
    case kF_origin_type:
      return "origin datatype";
    case kF_target_type:
      return "target datatype";
    case kF_result_type:
      return "result datatype";
    case kF_recv_type:
      return "receive datatype";
    case kF_old_type:
      return "old datatype";
    case kF_type:
      return "datatype";
    case kF_origin_count:
      return "origin count";
    case kF_target_count:
      return "target count";
    case kF_result_count:
      return "result count";
    case kF_recv_count:
      return "receive count";
    case kF_count:
      return "count";
    case kF_origin_addr:
      return "origin buffer";
    case kF_result_addr:
      return "result buffer";
    case kF_compare_addr:
      return "compare buffer";
    case kF_recv_buf:
      return "receive buffer";
    case kF_buf:
      return "buffer";
    case kF_peer:
      return "destination";
    case kF_recv_peer:
      return "source";
    case kF_root:
      return "root";
    case kF_target:
      return "target rank";
    case kF_tag:
      return "tag";
    case kF_recv_tag:
      return "receive tag";
    default:
      return "argument";
  }
}

class InvalidArgDetector : public Detector {
 public:
  const char* name() const override { return "invalid-arg"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    const Mpi4pyFilter& mpi4py = ctx.mpi4py();
    for (const RankLog& log : model.logs) check_rank(model, mpi4py, log, out);
  }

 private:
  struct Problem {
    FindingCode code;
    std::string what;               // what is wrong with the arguments: "is MPI_DATATYPE_NULL"
    std::optional<EventRef> other;  // where the handle was freed or created
    std::string other_note;         // words for that side
    nlohmann::json details = nlohmann::json::object();
    std::vector<std::string> args{};  // the arguments it is wrong with: "origin datatype"
  };

  using Lives = std::map<std::pair<HandleKind, int64_t>, Life>;

  static void check_rank(const Model& model, const Mpi4pyFilter& mpi4py, const RankLog& log, Analysis& out) {
    Lives lives;
    uint64_t lives_changed = 0;  // the verdict on a call depends on its fields and on the lives
    CleanRuns clean;
    const std::optional<int64_t> tag_ub = header_tag_ub(log);
    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const EventRef ref{log.rank, i};
      const Event& e = log.events[i];
      const CallTraits& t = call_traits(e.call);
      const EventView v = log.view(e);
      // Only a judged call's run is remembered: an mpi4py-internal one is not judged (that depends on the
      // call after it, for a Comm_dup, not on the run alone).
      if (!clean.known_clean(e, lives_changed) && !mpi4py.internal(ref)) {
        std::vector<Problem> problems;
        check_handles(t, v, lives, problems);
        check_ranks(t, v, problems);
        check_tags(t, v, tag_ub, problems);
        check_buffers(log, t, v, problems);
        if (problems.empty()) clean.set_clean(e, lives_changed);
        for (Problem& p : problems) out.findings.push_back(finding(model, ref, std::move(p)));
      }
      if (note_lives(ref, e, t, v, lives)) ++lives_changed;
    }
  }

  static Finding finding(const Model& model, EventRef ref, Problem p) {
    Finding f = coded_finding(p.code);
    const Event& e = model.event(ref);
    std::string args = "its " + p.args[0];
    for (size_t k = 1; k < p.args.size(); ++k) args += " and " + p.args[k];
    std::string what = p.what;
    if (p.args.size() > 1 && what.rfind("is ", 0) == 0) what = "are " + what.substr(3);
    if (p.args.size() > 1 && what.rfind("was ", 0) == 0) what = "were " + what.substr(4);
    f.message = std::string(e.name()) + " on rank " + std::to_string(ref.rank) + ": " + args + " " + what;
    f.message += call_outcome(model, ref);
    f.accesses.push_back(call_access(ref, args + " " + what));
    p.details["arguments"] = p.args;
    if (p.other) f.accesses.push_back(call_access(*p.other, p.other_note));
    f.details = std::move(p.details);
    f.details["call"] = e.name();
    return f;
  }

  // Several arguments may have the same problem (a Put's origin and target
  // datatype, freed; both its counts, negative): one problem, naming them all
  // (details.arguments).
  static void add(std::vector<Problem>& problems, Problem p, const std::string& arg) {
    for (Problem& q : problems)
      if (q.code == p.code && q.details == p.details && q.what == p.what) {
        q.args.push_back(arg);
        return;
      }
    p.args.push_back(arg);
    problems.push_back(std::move(p));
  }

  static void check_handles(const CallTraits& t, const EventView& v, const Lives& lives,
                            std::vector<Problem>& problems) {
    for (const HandleArg& h : t.handles) {
      if (h.use == HandleUse::kCreate || h.kind == HandleKind::kRequest || h.kind == HandleKind::kInfo) continue;
      // A group argument is logged by its members; a null or freed one by kF_group_id instead.
      const FieldId field = h.kind == HandleKind::kGroup && h.use != HandleUse::kFree ? kF_group_id : h.field;
      const auto value = v.get(field);
      if (!value) continue;
      const int64_t id = *value;
      // Words and details only for a problem: this runs for every handle of every call.
      const auto arg = [&] { return h.kind == HandleKind::kDatatype ? arg_words(h.field) : kind_words(h.kind); };
      const auto details = [&] { return nlohmann::json{{"handle", kind_words(h.kind)}, {"id", id}}; };
      if (is_null(h.kind, id)) {
        if (h.use == HandleUse::kUseOrNull) continue;
        nlohmann::json d = details();
        d["code_value"] = null_name(h.kind);
        add(problems, {kCode_null_handle, std::string("is ") + null_name(h.kind), {}, "", d}, arg());
        continue;
      }
      if (h.kind == HandleKind::kWin && id == 0) {
        add(problems, {kCode_unknown_handle, "is a handle that no window creation returned", {}, "", details()}, arg());
        continue;
      }
      auto it = lives.find({h.kind, id});
      if (it == lives.end()) continue;
      const Life& life = it->second;
      if (life.freed && life.created) {
        const bool again = h.use == HandleUse::kFree;
        add(problems,
            {kCode_freed_handle,
             std::string(again ? "was already freed" : "was freed") + " by " +
                 (life.free_call ? life.free_call : "a free call") + (again ? "" : " before this call"),
             life.freed, std::string("the ") + kind_words(h.kind) + " was freed here", details()},
            arg());
        continue;
      }
      if (h.kind == HandleKind::kDatatype && h.use == HandleUse::kUse && life.created && !life.committed) {
        add(problems,
            {kCode_uncommitted_type, "is a derived datatype that was never committed (MPI_Type_commit)", life.created,
             "the datatype was created here", details()},
            arg());
      }
    }
  }

  static bool is_null(HandleKind k, int64_t id) {
    switch (k) {
      case HandleKind::kDatatype:
        return id == kDatatypeNull;
      case HandleKind::kComm:
        return id == kCommNull;
      case HandleKind::kWin:
        return id == kWinNull;
      case HandleKind::kGroup:
        return id == kGroupNull;
      case HandleKind::kOp:
        return id == kOp_MPI_OP_NULL;
      default:
        return false;
    }
  }

  static void check_ranks(const CallTraits& t, const EventView& v, std::vector<Problem>& problems) {
    for (const RankArg& r : t.ranks) {
      if (r.group == RankGroup::kWindowGroup && (t.family == CallFamily::kRma || t.family == CallFamily::kSync))
        continue;  // invalid-rma-arg's bad-target-rank
      const auto value = v.get(r.field);
      if (!value) continue;
      const int64_t logged = *value;
      const bool bad = is_invalid_rank(logged) || (logged == kRankAny && !(r.allowed & kAnySourceOk)) ||
                       (logged == kRankProcNull && !(r.allowed & (kProcNullOk | kIntercommRootOk)));
      if (!bad) continue;  // the words below only for a problem: this runs for every rank of every call
      const std::string arg = arg_words(r.field);
      const char* whose = r.group == RankGroup::kWindowGroup ? "the window's group" : "the communicator's group";
      nlohmann::json details = nlohmann::json::object();
      if (is_invalid_rank(logged)) {
        const int64_t given = invalid_rank_as_given(logged);
        if ((r.allowed & kIntercommRootOk) && given < 0) continue;  // MPI_ROOT (or a bad negative root)
        details["rank"] = given;
        add(problems, {kCode_bad_rank, "is " + std::to_string(given) + ", not a rank of " + whose, {}, "", details},
            arg);
      } else if (logged == kRankAny && !(r.allowed & kAnySourceOk)) {
        details["rank"] = "MPI_ANY_SOURCE";
        add(problems, {kCode_bad_rank, "is MPI_ANY_SOURCE, which only a receive may name", {}, "", details}, arg);
      } else if (logged == kRankProcNull && !(r.allowed & (kProcNullOk | kIntercommRootOk))) {
        details["rank"] = "MPI_PROC_NULL";
        add(problems, {kCode_bad_rank, "is MPI_PROC_NULL, which this call does not take", {}, "", details}, arg);
      }
    }
  }

  // MPI_TAG_UB as the interposer read it at MPI_Init (at least 32767 by the standard).
  static std::optional<int64_t> header_tag_ub(const RankLog& log) {
    auto it = log.header.find("tag_ub");
    if (it == log.header.end()) return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(it->second.c_str(), &end, 10);
    if (end == it->second.c_str() || *end != '\0' || v < 32767) return std::nullopt;
    return v;
  }

  static void check_tags(const CallTraits& t, const EventView& v, std::optional<int64_t> tag_ub,
                         std::vector<Problem>& problems) {
    for (const TagArg& g : t.tags) {
      const auto value = v.get(g.field);
      // The words below only for a problem: this runs for every tag of every call.
      if (!value || (*value >= 0 && !(tag_ub && *value > *tag_ub)) || (*value == kTagAny && (g.allowed & kAnyTagOk)))
        continue;
      const std::string arg = arg_words(g.field);
      nlohmann::json details = {{"tag", *value}};
      if (*value == kTagAny && !(g.allowed & kAnyTagOk)) {
        details["tag"] = "MPI_ANY_TAG";
        add(problems, {kCode_bad_tag, "is MPI_ANY_TAG, which only a receive may name", {}, "", details}, arg);
      } else if (*value < 0 && *value != kTagAny) {
        add(problems, {kCode_bad_tag, "is negative (" + std::to_string(*value) + ")", {}, "", details}, arg);
      } else if (tag_ub && *value > *tag_ub) {
        details["tag_ub"] = *tag_ub;
        add(problems,
            {kCode_bad_tag,
             "is " + std::to_string(*value) + ", above MPI_TAG_UB (" + std::to_string(*tag_ub) + ")",
             {},
             "",
             details},
            arg);
      }
    }
  }

  static bool names_proc_null(const CallTraits& t, const EventView& v) {
    for (const RankArg& r : t.ranks)
      if (v.get(r.field) == kRankProcNull) return true;
    return false;
  }

  // A NULL buffer of `count` x `type` would touch the first page: the type is predefined, or its data starts there.
  static bool touches_null_page(const RankLog& log, int64_t type) {
    if (type >= 0 && type < kDerivedTypeBase) return true;
    auto it = log.types.find(type);
    if (it == log.types.end() || it->second.size == 0) return false;
    return it->second.true_lb < 4096;
  }

  static void check_buffers(const RankLog& log, const CallTraits& t, const EventView& v,
                            std::vector<Problem>& problems) {
    const bool proc_null = names_proc_null(t, v);
    // With MPI_NO_OP an accumulate ignores its origin buffer, count and type (MPI_Fetch_and_op(NULL, ...) reads).
    const bool no_op = t.is_rma() && v.get(kF_op) == kOp_MPI_NO_OP;
    for (const BufferArg& b : t.buffers) {
      if (no_op && b.use == BufferUse::kRead) continue;
      const auto count = v.get(b.count);
      if (!count) continue;
      if (b.use == BufferUse::kWindowMemory) {
        check_window_memory(v, b, *count, problems);
        continue;
      }
      if (*count < 0) {
        add(problems,
            {kCode_negative_count, "is negative (" + std::to_string(*count) + ")", {}, "", {{"count", *count}}},
            arg_words(b.count));
        continue;
      }
      const bool target_side =
          b.use == BufferUse::kTargetRead || b.use == BufferUse::kTargetWrite || b.use == BufferUse::kTargetUpdate;
      if (target_side || proc_null || *count == 0 || b.type == kF_none) continue;
      const auto addr = v.get(b.addr), type = v.get(b.type);
      if (!addr || *addr != 0 || !type || !touches_null_page(log, *type)) continue;
      const nlohmann::json details = {{"count", *count}};
      add(problems,
          {kCode_null_buffer,
           "is NULL, with a count of " + std::to_string(*count) + " and a datatype of relative addresses",
           {},
           "",
           details},
          arg_words(b.addr));
    }
    if (t.role == CallRole::kWinCreate) {
      nlohmann::json details = nlohmann::json::object();
      if (auto unit = v.get(kF_disp_unit); unit && *unit <= 0) {
        details["disp_unit"] = *unit;
        add(problems, {kCode_bad_window_args, "is not positive (" + std::to_string(*unit) + ")", {}, "", details},
            "disp_unit");
      }
      bool has_memory_row = false;
      for (const BufferArg& b : t.buffers) has_memory_row = has_memory_row || b.use == BufferUse::kWindowMemory;
      if (!has_memory_row)
        if (auto size = v.get(kF_size); size && *size < 0) {
          details = {{"size", *size}};
          add(problems, {kCode_bad_window_args, "is negative (" + std::to_string(*size) + ")", {}, "", details},
              "window size");
        }
    }
  }

  static void check_window_memory(const EventView& v, const BufferArg& b, int64_t size,
                                  std::vector<Problem>& problems) {
    if (size == 0 || (size > 0 && v.get(b.addr) != 0)) return;
    const nlohmann::json details = {{"size", size}};
    if (size < 0) {
      add(problems, {kCode_bad_window_args, "is negative (" + std::to_string(size) + ")", {}, "", details},
          "window size");
    } else if (size > 0 && v.get(b.addr) == 0) {
      add(problems,
          {kCode_bad_window_args, "is NULL with a size of " + std::to_string(size) + " bytes", {}, "", details},
          "window base");
    }
  }

  // What the call did to the rank's objects (after it was judged); whether it changed any.
  static bool note_lives(EventRef ref, const Event& e, const CallTraits& t, const EventView& v, Lives& lives) {
    const bool succeeded = e.returned && e.rc == 0;
    if (!succeeded) return false;
    bool changed = false;
    for (const HandleArg& h : t.handles) {
      // A handle merely used changes no life: only objects this log creates, commits or frees are kept
      // (a map entry per handle ever used cost two map operations per handle of every call).
      if (h.kind == HandleKind::kRequest || h.kind == HandleKind::kInfo ||
          (h.use != HandleUse::kCreate && h.use != HandleUse::kCommit && h.use != HandleUse::kFree))
        continue;
      const auto value = v.get(h.field);
      if (!value) continue;
      changed = true;
      Life& life = lives[{h.kind, *value}];
      switch (h.use) {
        case HandleUse::kCreate:
          life = Life{};
          life.created = ref;
          // MPI_Type_dup of a committed type is committed (the one constructor whose result is).
          if (e.call == kCall_Type_dup) {
            const int64_t old = v.get_or(kF_old_type, kDatatypeNull);
            auto from = lives.find({HandleKind::kDatatype, old});
            if ((old >= 0 && old < kDerivedTypeBase) || (from != lives.end() && from->second.committed))
              life.committed = ref;
          }
          break;
        case HandleUse::kCommit:
          life.committed = ref;
          break;
        case HandleUse::kFree:
          life.freed = ref;
          life.free_call = e.name();
          break;
        default:
          break;
      }
    }
    return changed;
  }
};

}  // namespace

std::unique_ptr<Detector> make_invalid_arg_detector() { return std::make_unique<InvalidArgDetector>(); }

}  // namespace rmacheck
