// Words several detectors put into their messages: rank lists, ordinals,
// call descriptions, the outcome of a call. Said once here, so the same
// thing reads the same in every finding.
#pragma once

#include <string>
#include <vector>

#include "detectors/finding.h"
#include "model/leak_scope.h"

namespace rmacheck {

// "rank 3" / "ranks 0,1,2".
std::string rank_list(const std::vector<int>& ranks);
// "1st", "2nd", "3rd", "4th", "11th", "21st".
std::string ordinal(int k);
// "MPI_MODE_NOPRECEDE|MPI_MODE_NOSUCCEED" ("0" for none).
std::string assert_names(int bits);
// A logged rank: "rank 1", "MPI_PROC_NULL", "invalid rank -1".
std::string target_words(int64_t logged);
// "MPI_Put to rank 1", "MPI_Win_lock on rank 1", "MPI_Win_fence(MPI_MODE_NOPRECEDE)".
std::string describe_call(const Model& model, EventRef e);
// " (MPI returned error code N)" / " (the job ended inside this call: ...)" / "".
std::string call_outcome(const Model& model, EventRef e);
// What an RMA call does to target memory, as an access of the report: "write", "read" or "atomic".
const char* rma_target_access(const Model& model, EventRef e);
// The target rank an RMA call names, -1 for another call or a target that is no rank.
int rma_target(const Model& model, EventRef e);
// One side of a finding that is a call (not a memory access).
Access call_access(EventRef e, std::string note, int target_rank = -1);

// The note every leak detector adds when some ranks were not checked, "" when none was skipped.
std::string leak_note(const LeakScope& scope);
// Adds leak_note(scope) to the notes unless it is empty or already there.
void push_leak_note(const LeakScope& scope, std::vector<std::string>& notes);

}  // namespace rmacheck
