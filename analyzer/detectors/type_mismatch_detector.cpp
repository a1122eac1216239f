// `type-mismatch` (rma-semantics.md section 8): a message matched offline
// (happens_before.h: blocking, nonblocking and persistent sends and
// receives, wildcards resolved by the receive's status) whose sent type
// signature is not a prefix of the receive's (message-type-mismatch: MPI
// does not check it, the receiver reads the bytes as another type), or
// whose message is longer than the receive buffer (message-truncated: MPI
// reports MPI_ERR_TRUNCATE). Signatures are compared as for RMA calls
// (type_signature.h). A receive the MPI library aborted in has no status,
// so it is matched to no send, and its truncation is not seen here.
// The buffers come from the call_traits.def rows: the send side's kRead
// buffer, the receive side's kWrite buffer.
// Collectives (collective-root-mismatch, collective-op-mismatch): the k-th
// blocking or nonblocking collective of every member of a communicator is
// one operation, so its members must name the same root and the same
// predefined op. Only communicators whose creation is logged (and
// MPI_COMM_WORLD) are compared: ids of communicators made by unwrapped calls
// may be shared. Roots are compared only when both are world ranks (an
// intercommunicator's MPI_ROOT / MPI_PROC_NULL differ by design); user ops
// have per-rank ids and are not compared. A comm whose k-th calls differ is
// not compared from there on.
// Collective type signatures (collective-type-mismatch): every block a
// member logged for the k-th collective must have one type signature: the
// reductions' count x type on every member (and Bcast's), a gather's send
// blocks and its root's receive block, a scatter's root's send block and
// the receive blocks, allgather/alltoall send and receive blocks on every
// member (the interposer logs blocks only where they are significant, and
// none for the MPI_IN_PLACE side). MPI requires equal signatures there, not
// prefixes: a collective's message cannot be shorter than its receive.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/type_signature.h"
#include "detectors/wording.h"

namespace rmacheck {

namespace {

// The (count, type) of a call's buffer of the given use, if it logged one.
bool buffer_of(const EventView& v, const CallTraits& t, BufferUse use, int64_t& count, int64_t& type) {
  for (const BufferArg& b : t.buffers) {
    if (b.use != use || b.type == kF_none) continue;
    auto c = v.get(b.count), ty = v.get(b.type);
    if (!c || !ty) return false;
    count = *c, type = *ty;
    return true;
  }
  return false;
}

// One member's block of a collective: count x type for a side.
struct CollBlock {
  int64_t count, type;
  const char* side;  // "buffer" (a reduction's, Bcast's), "send block", "receive block"
};

struct CollCall {
  EventRef ref;
  CallId call;
  std::optional<int64_t> root, op;
  std::vector<CollBlock> blocks;
};

std::vector<CollBlock> collective_blocks(const EventView& v, bool has_recv_side) {
  std::vector<CollBlock> out;
  auto add = [&](FieldId count, FieldId type, const char* side) {
    auto c = v.get(count), t = v.get(type);
    if (c && t && *c >= 0) out.push_back({*c, *t, side});
  };
  add(kF_count, kF_type, has_recv_side ? "send block" : "buffer");
  add(kF_recv_count, kF_recv_type, "receive block");
  return out;
}

// The blocks of one collective operation, grouped by signature: the largest
// group (the root's on a tie) is what the members agreed on; every other
// block is named.
void check_collective_types(const Model& model, const std::vector<const CollCall*>& members, int64_t comm, size_t k,
                            Analysis& out) {
  struct Block {
    const CollCall* call;
    const CollBlock* block;
    Signature sig;
    std::string words;
  };
  for (const CollCall* c : members)
    if (c->root && *c->root < 0) return;  // an intercommunicator's MPI_ROOT / MPI_PROC_NULL sides
  std::vector<std::vector<Block>> groups;
  for (const CollCall* c : members) {
    const RankLog* log = model.rank_log(c->ref.rank);
    for (const CollBlock& b : c->blocks) {
      Block x{c, &b, signature(*log, b.type, b.count), describe_type(*log, b.count, b.type)};
      auto g = std::find_if(groups.begin(), groups.end(),
                            [&](const std::vector<Block>& g) { return same_signature(g.front().sig, x.sig); });
      if (g == groups.end())
        groups.push_back({std::move(x)});
      else
        g->push_back(std::move(x));
    }
  }
  if (groups.size() < 2) return;
  auto has_root = [](const std::vector<Block>& g) {
    return std::any_of(g.begin(), g.end(),
                       [](const Block& x) { return x.call->root && *x.call->root == x.call->ref.rank; });
  };
  size_t agreed = 0;
  for (size_t i = 1; i < groups.size(); ++i)
    if (groups[i].size() > groups[agreed].size() ||
        (groups[i].size() == groups[agreed].size() && has_root(groups[i]) && !has_root(groups[agreed])))
      agreed = i;
  auto side_words = [](const std::vector<Block>& g) {
    std::map<std::string, std::vector<int>> by_side;  // "send block" -> ranks
    for (const Block& x : g) by_side[x.block->side].push_back(x.call->ref.rank);
    std::string s;
    for (auto& [side, ranks] : by_side) {
      if (!s.empty()) s += " and ";
      s += ranks.size() == 1 ? "rank " + std::to_string(ranks[0]) + "'s " + side + " is "
                             : "the " + side + "s of " + rank_list(ranks) + " are ";
    }
    return s + g.front().words;
  };
  Finding f = coded_finding(kCode_collective_type_mismatch);
  const CollCall& first = *members.front();
  f.message = std::string(call_name(first.call)) + ": the blocks of one collective operation (the " +
              ordinal(static_cast<int>(k) + 1) + " on its communicator) must have one type signature: ";
  bool comma = false;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i == agreed) continue;
    f.message += (comma ? "; " : "") + side_words(groups[i]);
    comma = true;
    for (const Block& x : groups[i])
      f.accesses.push_back(call_access(x.call->ref, std::string(x.block->side) + " " + x.words));
  }
  f.message += ", while " + side_words(groups[agreed]);
  const Block& ref = groups[agreed].front();
  f.accesses.push_back(call_access(ref.call->ref, std::string(ref.block->side) + " " + ref.words));
  f.details = {{"comm", comm}, {"ordinal", k + 1}, {"agreed", ref.words}};
  out.findings.push_back(std::move(f));
}

void check_collectives(const Model& model, Analysis& out) {
  std::set<int64_t> created{1};
  for (const RankLog& log : model.logs)
    for (const Event& e : log.events)
      if (auto c = log.view(e).get(kF_new_comm)) created.insert(*c);
  std::map<int64_t, std::map<int, std::vector<CollCall>>> by_comm;  // comm -> rank -> calls in order
  for (const RankLog& log : model.logs)
    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const Event& e = log.events[i];
      const CallTraits& t = call_traits(e.call);
      if (t.family != CallFamily::kCollective || t.collective != Collective::kComm ||
          t.completion == Completion::kPersistent)
        continue;
      const EventView v = log.view(e);
      const auto comm = v.get(kF_comm);
      if (!comm || !created.count(*comm)) continue;
      const bool has_recv_side =
          std::any_of(t.handles.begin(), t.handles.end(), [](const HandleArg& h) { return h.field == kF_recv_type; });
      by_comm[*comm][log.rank].push_back(
          {{log.rank, i}, e.call, v.get(kF_root), v.get(kF_op), collective_blocks(v, has_recv_side)});
    }
  for (auto& [comm_id, ranks] : by_comm) {
    const int64_t comm = comm_id;  // a lambda below uses it: clang 14 captures no structured binding
    if (ranks.size() < 2) continue;
    const std::vector<CollCall>& first = ranks.begin()->second;
    for (size_t k = 0; k < first.size(); ++k) {
      const CollCall& a = first[k];
      bool aligned = true;
      std::vector<const CollCall*> root_diff, op_diff, members{&a};
      for (auto it = std::next(ranks.begin()); it != ranks.end(); ++it) {
        if (k >= it->second.size()) continue;
        const CollCall& b = it->second[k];
        members.push_back(&b);
        if (b.call != a.call) aligned = false;
        if (a.root && b.root && *a.root >= 0 && *b.root >= 0 && *a.root != *b.root) root_diff.push_back(&b);
        if (a.op && b.op && *a.op < kUserOpBase && *b.op < kUserOpBase && *a.op != *b.op) op_diff.push_back(&b);
      }
      if (!aligned) break;
      auto report = [&](FindingCode code, const std::vector<const CollCall*>& diff, const char* what) {
        if (diff.empty()) return;
        Finding f = coded_finding(code);
        std::vector<int> others;
        for (const CollCall* b : diff) others.push_back(b->ref.rank);
        f.message = std::string(call_name(a.call)) + ": rank " + std::to_string(a.ref.rank) + " and " +
                    rank_list(others) + " pass different " + what + " to the same collective operation (the " +
                    ordinal(static_cast<int>(k) + 1) + " on its communicator)";
        f.accesses.push_back(call_access(a.ref, std::string(what) + " of rank " + std::to_string(a.ref.rank)));
        for (const CollCall* b : diff)
          f.accesses.push_back(call_access(b->ref, std::string(what) + " of rank " + std::to_string(b->ref.rank)));
        f.details = {{"comm", comm}, {"ordinal", k + 1}};
        out.findings.push_back(std::move(f));
      };
      report(kCode_collective_root_mismatch, root_diff, "roots");
      report(kCode_collective_op_mismatch, op_diff, "ops");
      if (root_diff.empty()) check_collective_types(model, members, comm, k, out);
    }
  }
}

class TypeMismatchDetector : public Detector {
 public:
  const char* name() const override { return "type-mismatch"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
    check_collectives(model, out);
    for (const HappensBefore::MatchedMessage& m : ctx.happens_before().messages()) {
      const RankLog* slog = model.rank_log(m.send.rank);
      const RankLog* rlog = model.rank_log(m.recv.rank);
      if (!slog || !rlog) continue;
      const Event& se = model.event(m.send);
      const Event& re = model.event(m.recv);
      int64_t scount = 0, stype = 0, rcount = 0, rtype = 0;
      if (!buffer_of(model.view(m.send), call_traits(se.call), BufferUse::kRead, scount, stype)) continue;
      if (!buffer_of(model.view(m.recv), call_traits(re.call), BufferUse::kWrite, rcount, rtype)) continue;
      if (scount < 0 || rcount < 0) continue;  // invalid-arg's
      const Signature sent = signature(*slog, stype, scount), posted = signature(*rlog, rtype, rcount);
      bool truncated = false;
      if (receivable(sent, posted, truncated)) continue;
      Finding f = coded_finding(truncated ? kCode_message_truncated : kCode_message_type_mismatch);
      const std::string what = describe_type(*slog, scount, stype), into = describe_type(*rlog, rcount, rtype);
      f.message = std::string(se.name()) + " on rank " + std::to_string(m.send.rank) + " sends " + what +
                  (truncated ? " (" + std::to_string(sent.total) + " bytes)" : "") + ", received by " + re.name() +
                  " on rank " + std::to_string(m.recv.rank) + " into " + into +
                  (truncated ? " (" + std::to_string(posted.total) + " bytes): the message is longer than the buffer"
                             : ": the type signatures differ");
      f.accesses.push_back(call_access(m.send, "sends " + what, m.recv.rank));
      f.accesses.push_back(call_access(m.recv, "receives into " + into, m.send.rank));
      f.details = {{"sent", what}, {"received_into", into}, {"sent_bytes", sent.total}, {"buffer_bytes", posted.total}};
      out.findings.push_back(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Detector> make_type_mismatch_detector() { return std::make_unique<TypeMismatchDetector>(); }

}  // namespace rmacheck
