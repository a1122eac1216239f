// Turns an event into the user's source location: the Python file:line
// logged by the interposer, or the first recorded frame outside MPI,
// mpi4py, Python and rmacheck, symbolized from DWARF.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "log/symbolizer.h"
#include "model/model.h"

namespace rmacheck {

struct Frame {
  std::string file;  // as recorded (absolute for C), "" when unknown
  int line = 0;
  std::string function;
  std::string module;
};

class LocationResolver {
 public:
  explicit LocationResolver(const Model& model) : model_(model) {}
  // The user's frame first, then its callers as far as they were recorded.
  std::vector<Frame> stack(EventRef ref);
  Frame location(EventRef ref);

 private:
  Symbolizer& symbolizer(int rank);
  const Model& model_;
  std::map<int, std::unique_ptr<Symbolizer>> symbolizers_;
};

}  // namespace rmacheck
