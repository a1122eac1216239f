// What detectors share: the model and the analyses several of them need
// (epochs, request states, happens-before, leak scope), each built once,
// on first use, for the whole run.
#pragma once

#include <memory>

#include "model/epoch_tracker.h"
#include "model/happens_before.h"
#include "model/leak_scope.h"
#include "model/model.h"
#include "model/request_tracker.h"

namespace rmacheck {

class AnalysisContext {
 public:
  explicit AnalysisContext(const Model& model);
  ~AnalysisContext();
  const Model& model() const { return model_; }
  const EpochTracker& epochs();
  const RequestTracker& requests();
  const HappensBefore& happens_before();
  const LeakScope& leak_scope();
  const Mpi4pyFilter& mpi4py();

 private:
  const Model& model_;
  std::unique_ptr<EpochTracker> epochs_;
  std::unique_ptr<RequestTracker> requests_;
  std::unique_ptr<HappensBefore> hb_;
  std::unique_ptr<LeakScope> leak_scope_;
  std::unique_ptr<Mpi4pyFilter> mpi4py_;
};

}  // namespace rmacheck
