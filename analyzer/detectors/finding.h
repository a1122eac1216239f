// What detectors produce: kinds, severities, and findings that point at
// events. Turning events into file:line and text/JSON/SARIF is the report's
// job; detectors never print.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"

namespace rmacheck {

enum Severity { kError, kWarning };

enum FindingKind : int {
#define RMACHECK_KIND(id, name, sev, meaning) kKind_##id,
#include "detectors/finding_kinds.def"
#undef RMACHECK_KIND
  kKindCount
};

struct KindInfo {
  const char* name;
  Severity severity;
  const char* meaning;
};
const KindInfo& kind_info(FindingKind k);

// A place in the source that the static checker (rmacheck lint) points at:
// it has no event, so it names the file, line and call itself.
struct SourceSite {
  std::string file;  // absolute path
  int line = 0;
  int column = 0;
  std::string function;
  std::string call;  // the MPI call there ("MPI_Put"), or what happens there ("load", "return")
};

// One side of a finding: an MPI call on some rank, and what it did.
struct Access {
  EventRef event;
  std::string access;        // "read", "write", "atomic", "blocked", "call", ... ("" when not about memory)
  int target_rank = -1;      // world rank an RMA call targets (for its window side: whose memory), -1 if none
  int64_t lo = -1, hi = -1;  // bytes [lo, hi) of the target window (or of the buffer)
  std::string note;          // extra words for the text report
  std::optional<SourceSite> site = std::nullopt;  // static findings: the place, instead of an event
  // Context the report shows when known (race sides fill these; other findings may).
  std::string memory{};                    // "window", "origin buffer", "result buffer", "send buffer", ...
  int64_t unit = 0;                        // window: the target's disp_unit; buffer: its element size (0: unknown)
  std::optional<EventRef> epoch_opened{};  // the call that opened the epoch (or started the request) of the access
  std::optional<EventRef> completed{};     // the call by which the access had certainly taken effect
  bool completion_known = false;           // `completed` was looked up: absent then means never, within the log
  std::optional<EventRef> request{};       // the call that created the request the access belongs to
};

struct Finding {
  FindingKind kind = kKindCount;
  std::string message;
  std::string window;  // window name, "" if not about a window
  std::vector<Access> accesses;
  std::optional<EventRef> where;  // the finding's own location when it has no accesses
  nlohmann::json details = nlohmann::json::object();
  int count = 1;           // occurrences merged into this finding
  std::vector<int> ranks;  // ranks involved (filled in when merging)
  // Static findings (rmacheck lint): no events; `site` replaces `where`.
  bool is_static = false;
  std::string confidence;  // "high", "medium" or "low"
  std::optional<SourceSite> site;
  // Occurrences merged into this finding by the detector, by the ranks of its
  // sides (one rank per access, in `accesses` order); empty: only the accesses' own ranks.
  std::map<std::vector<int>, int> rank_tuples;
};

// Everything the detectors say: findings, and notes about what could not be
// checked (e.g. leak checks skipped because a rank never reached Finalize).
struct Analysis {
  std::vector<Finding> findings;
  std::vector<std::string> notes;
  nlohmann::json lint;  // what rmacheck lint looked at (files, functions); null when it did not run
};

}  // namespace rmacheck
