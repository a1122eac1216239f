// The program's own loads and stores (local-access events, kRecLocal) as
// memory accesses of the process whose memory they touch, for the race
// detector beside the MPI calls' accesses (rma-semantics.md section 7).
//
// A local access is an event of its thread, logged in program order between
// two of its MPI calls: it is issued at its entry node and has taken effect
// by its exit node, both between the neighbouring calls' nodes. Where the
// bytes lie decides whose memory it is: this rank's own (its window, a
// buffer), or, for a shared-memory window, the member whose segment is
// mapped at that address here. How the access was seen (instrumented code,
// guarded pages) does not matter here.
#pragma once

#include <cstdint>
#include <vector>

#include "model/memory_accesses.h"

namespace rmacheck {

class LocalAccessMapper {
 public:
  LocalAccessMapper(const Model& model, const RankLog& log);
  // The accesses of local-access event i (one, or one per window segment it spans).
  void add(uint32_t i, std::vector<MemAccess>& out) const;
  // The window whose memory (of this rank) holds [lo, hi) at event i, if any: (window id, region start).
  struct Region {
    int64_t lo, hi;        // as mapped in this process
    int64_t owner_base;    // the same bytes' address in the owner's process
    int owner;             // world rank whose memory it is
    int64_t window;        // window id
    uint32_t from, until;  // alive from this event to this one of the rank (exclusive)
  };
  const std::vector<Region>& regions() const { return regions_; }

 private:
  const RankLog& log_;
  std::vector<Region> regions_;
};

}  // namespace rmacheck
