// Which process of a parallel analysis runs which detector. Detectors are
// independent (none reads another's findings; the shared analyses of
// AnalysisContext are deterministic), so any split gives the same findings;
// the split only decides the time. Each detector is given a relative cost
// (measured: tests/bench/analysis_throughput, docs/performance.md) and the
// detectors are dealt out longest first to the least loaded process.
#pragma once

#include <string>
#include <vector>

namespace rmacheck {

// For pieces of work of the given costs and `processes` processes: the process of each, dealt out
// longest first to the least loaded process (ties: the lower index, the lower process), so every
// process computes the same shares. Detectors use it, and the log files by size.
std::vector<int> share_out(const std::vector<double>& costs, int processes);
// The relative cost of a detector by name (shared analyses it builds first included).
double detector_cost(const std::string& name);
// For detectors named `names` (registry order) and `processes` processes: the process of each.
std::vector<int> share_detectors(const std::vector<std::string>& names, int processes);

}  // namespace rmacheck
