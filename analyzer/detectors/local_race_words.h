// Words of the race detector's messages about the program's own loads and
// stores (model/local_accesses.h), kept beside it so the detector itself
// stays about ordering.
#pragma once

#include <string>

#include "model/memory_accesses.h"

namespace rmacheck {

// " (MPI_Win_flush on rank 0 completes it)", or " (no call of rank 0 completes it)".
std::string completion_words(const Model& model, const MemAccess& pending);
// Two loads/stores of different ranks on one rank's memory (a shared-memory window segment).
std::string local_pair_message(const Model& model, const MemAccess& a, const MemAccess& b, int64_t lo, int64_t hi);

}  // namespace rmacheck
