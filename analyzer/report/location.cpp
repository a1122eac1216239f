#include "report/location.h"

#include "system_modules.h"

namespace rmacheck {

namespace {
bool is_runtime_entry(const std::string& function) {
  return function == "_start" || function == "__libc_start_main" || function == "__libc_start_call_main";
}
}  // namespace

Symbolizer& LocationResolver::symbolizer(int rank) {
  auto& s = symbolizers_[rank];
  if (!s) {
    const RankLog* log = model_.rank_log(rank);
    s = std::make_unique<Symbolizer>(log ? log->modules : std::vector<ModuleMapping>{});
  }
  return *s;
}

std::vector<Frame> LocationResolver::stack(EventRef ref) {
  std::vector<Frame> frames;
  const RankLog* log = model_.rank_log(ref.rank);
  if (!log) return frames;
  EventView v = model_.view(ref);
  if (auto file = v.get(kF_py_file)) {
    frames.push_back(
        {log->string(*file), static_cast<int>(v.get_or(kF_py_line, 0)), log->string(v.get_or(kF_py_func, 0)), ""});
    return frames;
  }
  Symbolizer& sym = symbolizer(ref.rank);
  for (int64_t pc : v.array(kF_pcs)) {
    SourceLocation loc = sym.lookup(static_cast<uint64_t>(pc));
    // Binding layers above the user's frame, and below it the C runtime that
    // called main (libc, and _start in the executable itself): never the user's.
    if (is_system_module(loc.module) || is_runtime_entry(loc.function)) continue;
    if (!frames.empty() && loc.file.empty() && loc.function.empty()) continue;  // an unresolvable caller
    frames.push_back({loc.file, loc.line, loc.function, loc.module});
  }
  return frames;
}

Frame LocationResolver::location(EventRef ref) {
  auto frames = stack(ref);
  return frames.empty() ? Frame{} : frames.front();
}

}  // namespace rmacheck
