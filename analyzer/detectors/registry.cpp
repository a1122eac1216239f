#include "detectors/detector.h"

namespace rmacheck {

std::unique_ptr<Detector> make_invalid_arg_detector();
std::unique_ptr<Detector> make_type_mismatch_detector();
std::unique_ptr<Detector> make_hang_detector();
std::unique_ptr<Detector> make_epoch_detector();
std::unique_ptr<Detector> make_fence_mismatch_detector();
std::unique_ptr<Detector> make_rma_argument_detector();
std::unique_ptr<Detector> make_race_detector();
std::unique_ptr<Detector> make_request_detector();
std::unique_ptr<Detector> make_resource_leak_detector();
std::unique_ptr<Detector> make_program_failure_detector();
std::unique_ptr<Detector> make_local_access_detector();

std::vector<std::unique_ptr<Detector>> all_detectors() {
  std::vector<std::unique_ptr<Detector>> d;
  d.push_back(make_invalid_arg_detector());  // first: where MPI aborted in a call, it says why
  d.push_back(make_type_mismatch_detector());
  d.push_back(make_hang_detector());
  d.push_back(make_epoch_detector());
  d.push_back(make_fence_mismatch_detector());
  d.push_back(make_rma_argument_detector());
  d.push_back(make_race_detector());
  d.push_back(make_request_detector());
  d.push_back(make_resource_leak_detector());
  d.push_back(make_program_failure_detector());
  d.push_back(make_local_access_detector());
  return d;
}

Analysis run_detectors(const Model& model, const std::function<void(const char*)>& on_detector) {
  Analysis out;
  AnalysisContext ctx(model);
  for (auto& d : all_detectors()) {
    if (on_detector) on_detector(d->name());
    d->run(ctx, out);
  }
  return out;
}

}  // namespace rmacheck
