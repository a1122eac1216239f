// Which ranks may get leak findings: only those whose log shows an
// MPI_Finalize event. For the others, why not, as far as the logs and the
// launcher tell (the leak detectors put it into one note, see
// detectors/wording.h).
#pragma once

#include <map>
#include <vector>

#include "model/model.h"

namespace rmacheck {

struct LeakScope {
  enum class Why {
    kNoLog,
    kCalledAbort,
    kKilledAfterAbort,  // another rank called MPI_Abort (see aborters)
    kStoppedByTimeout,
    kInterrupted,  // rmacheck run was stopped by a signal (Ctrl-C, SIGTERM: see signal)
    kDiedInside,   // the log ends inside a call (last_call): an MPI error or a crash
    kKilledBySignal,
    kNoFinalize,      // the log ends after a call that returned
    kLoggingStopped,  // the log could not grow (disk full): how the rank went on is unknown
  };
  struct Skipped {
    int rank = -1;
    Why why = Why::kNoFinalize;
    CallId last_call = kCallCount;  // kDiedInside
    int signal = 0;                 // kKilledBySignal, kInterrupted
  };
  std::map<int, EventRef> finalize;  // ranks that reached MPI_Finalize -> the event
  std::vector<int> skipped;          // ranks without a Finalize event (or without a log)
  std::vector<Skipped> reasons;      // aligned with skipped
  std::vector<int> aborters;         // ranks that called MPI_Abort
  bool reached(int rank) const { return finalize.count(rank) != 0; }
};
LeakScope leak_scope(const Model& model);

}  // namespace rmacheck
