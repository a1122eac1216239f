// What the report shows beside each side of a race (rma-semantics.md
// sections 1-2): which memory it touched (the window, or which buffer of the
// call), the element size that turns bytes into displacements or element
// indices, the synchronization that bounds it (the call that opened its
// epoch or started its request, and the call by which it had certainly taken
// effect), and the request it belongs to. Kept apart from the race
// detector's decisions: this only describes a pair already found.
#pragma once

#include "detectors/finding.h"
#include "model/analysis_context.h"
#include "model/memory_accesses.h"

namespace rmacheck {

// Fills the context fields of `side`, the report's view of access `m`.
void describe_race_side(AnalysisContext& ctx, const MemAccess& m, Access& side);

}  // namespace rmacheck
