#include "model/analysis_context.h"

namespace rmacheck {

AnalysisContext::AnalysisContext(const Model& model) : model_(model) {}
AnalysisContext::~AnalysisContext() = default;

const EpochTracker& AnalysisContext::epochs() {
  if (!epochs_) epochs_ = std::make_unique<EpochTracker>(model_);
  return *epochs_;
}

const RequestTracker& AnalysisContext::requests() {
  if (!requests_) requests_ = std::make_unique<RequestTracker>(model_);
  return *requests_;
}

const HappensBefore& AnalysisContext::happens_before() {
  if (!hb_) hb_ = std::make_unique<HappensBefore>(model_, requests());
  return *hb_;
}

const LeakScope& AnalysisContext::leak_scope() {
  if (!leak_scope_) leak_scope_ = std::make_unique<LeakScope>(rmacheck::leak_scope(model_));
  return *leak_scope_;
}

const Mpi4pyFilter& AnalysisContext::mpi4py() {
  if (!mpi4py_) mpi4py_ = std::make_unique<Mpi4pyFilter>(model_);
  return *mpi4py_;
}

}  // namespace rmacheck
