// The words for what the EpochTracker found: each EpochIssue becomes a
// finding of its code (finding_codes.def), with its message and the notes
// on each side. The tracker decides; this file only says it.
#pragma once

#include <string>

#include "detectors/finding.h"
#include "model/epoch_tracker.h"

namespace rmacheck {

// "fence", "lock", "lock_all", "Win_start", "Win_post".
const char* epoch_kind_name(EpochKind k);
// The finding code of an issue.
FindingCode epoch_issue_code(const Model& model, const EpochTracker& tracker, const EpochIssue& issue);
// The finding that reports an issue.
Finding epoch_issue_finding(const Model& model, const EpochTracker& tracker, const EpochIssue& issue);
// The note for a rank whose log ended (the run died) with `open` epochs open.
std::string open_at_death_note(int rank, int open, bool logging_stopped);

}  // namespace rmacheck
