#include "detector.h"

namespace rmacheck {

std::unique_ptr<Detector> make_hang_detector();

std::vector<std::unique_ptr<Detector>> all_detectors() {
  std::vector<std::unique_ptr<Detector>> d;
  d.push_back(make_hang_detector());
  return d;
}

std::vector<Finding> run_detectors(const Model& model) {
  std::vector<Finding> findings;
  for (auto& d : all_detectors()) d->run(model, findings);
  return findings;
}

}  // namespace rmacheck
