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

class TypeMismatchDetector : public Detector {
 public:
  const char* name() const override { return "type-mismatch"; }

  void run(AnalysisContext& ctx, Analysis& out) override {
    const Model& model = ctx.model();
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
