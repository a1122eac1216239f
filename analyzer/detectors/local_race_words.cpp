#include "detectors/local_race_words.h"

#include <sstream>

namespace rmacheck {

std::string completion_words(const Model& model, const MemAccess& pending) {
  std::ostringstream m;
  if (pending.complete_at < 0) {
    m << " (no later call of rank " << pending.issuer << " completes it)";
    return m.str();
  }
  const Event& done = model.event({pending.complete_rank, static_cast<uint32_t>(pending.complete_at / 2)});
  m << " (" << done.name() << " on rank " << pending.complete_rank << " completes it)";
  return m.str();
}

std::string local_pair_message(const Model& model, const MemAccess& a, const MemAccess& b, int64_t lo, int64_t hi) {
  std::ostringstream m;
  auto who = [&](const MemAccess& x) {
    return std::string(model.event({x.issuer, x.event}).name()) + " on rank " + std::to_string(x.issuer);
  };
  m << who(a) << " and " << who(b) << " access bytes [" << lo - a.region << "," << hi - a.region << ") of rank "
    << a.process << "'s shared-memory window segment directly, and nothing orders them (a barrier or a message "
    << "between them, with MPI_Win_sync on both sides in the separate model)";
  return m.str();
}

}  // namespace rmacheck
