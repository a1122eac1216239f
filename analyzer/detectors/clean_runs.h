// Field runs a per-call check found nothing wrong with. The reader lets the calls of a loop share one
// run of fields (log_reader.cpp share_seen_run, and CALL_REPEAT templates), so a check whose verdict
// depends only on the call, its fields and state that changes rarely can skip a call whose run it has
// judged clean already. A small direct-mapped table: a miss costs the check, never a finding.
//
// The caller gives a `version` of the other state the verdict depends on (0 if none) and bumps it when
// that state changes; a run judged under another version is judged again.
#pragma once

#include <cstdint>

#include "log/event.h"

namespace rmacheck {

class CleanRuns {
 public:
  // Whether e's run was judged clean for e's call under `version`.
  bool known_clean(const Event& e, uint64_t version) const {
    const Entry& x = table_[slot(e)];
    return x.valid && x.fields_begin == e.fields_begin && x.field_count == e.field_count && x.present == e.present &&
           x.call == e.call && x.version == version;
  }
  // e's run was judged clean for its call under `version`.
  void set_clean(const Event& e, uint64_t version) {
    table_[slot(e)] = {
        e.present, version, e.fields_begin, static_cast<uint16_t>(e.field_count), static_cast<int16_t>(e.call), true};
  }

 private:
  static constexpr unsigned kSlots = 256;
  struct Entry {
    uint64_t present = 0, version = 0;
    uint32_t fields_begin = 0;
    uint16_t field_count = 0;
    int16_t call = -1;
    bool valid = false;
  };
  static unsigned slot(const Event& e) {
    const uint64_t h = (uint64_t{e.fields_begin} * 64 + static_cast<uint64_t>(e.call)) * 0x9E3779B97F4A7C15ull;
    return static_cast<unsigned>(h >> 56) % kSlots;
  }
  Entry table_[kSlots];
};

}  // namespace rmacheck
