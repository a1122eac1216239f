// A detector reads the model and appends findings of its kind family.
// One detector per file in this folder; all_detectors() lists them.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "detectors/finding.h"
#include "model/analysis_context.h"

namespace rmacheck {

class Detector {
 public:
  virtual ~Detector() = default;
  virtual const char* name() const = 0;
  virtual void run(AnalysisContext& ctx, Analysis& out) = 0;
};

std::vector<std::unique_ptr<Detector>> all_detectors();
// on_detector, when given, hears each detector's name as it starts (progress display).
Analysis run_detectors(const Model& model, const std::function<void(const char*)>& on_detector = nullptr);

}  // namespace rmacheck
