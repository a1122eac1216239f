#include "parallel/detector_shares.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace rmacheck {

double detector_cost(const std::string& name) {
  // CPU seconds per 10^7 events of analysis_throughput (fence and lock_all epochs, 64 ranks; stop 36), rounded;
  // the race detector's includes building happens-before and the memory accesses.
  static const std::map<std::string, double> measured = {
      {"race", 3.5},          {"epoch", 0.42},       {"type-mismatch", 0.37},
      {"rma-argument", 0.33}, {"invalid-arg", 0.29}, {"resource-leak", 0.13},
  };
  auto it = measured.find(name);
  return it == measured.end() ? 0.03 : it->second;
}

std::vector<int> share_out(const std::vector<double>& costs, int processes) {
  std::vector<int> process(costs.size(), 0);
  if (processes <= 1) return process;
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return costs[a] > costs[b]; });
  std::vector<double> load(static_cast<size_t>(processes), 0.0);
  for (size_t d : order) {
    const size_t least = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    process[d] = static_cast<int>(least);
    load[least] += costs[d];
  }
  return process;
}

std::vector<int> share_detectors(const std::vector<std::string>& names, int processes) {
  std::vector<double> costs;
  for (const std::string& n : names) costs.push_back(detector_cost(n));
  return share_out(costs, processes);
}

}  // namespace rmacheck
