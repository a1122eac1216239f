#include "report/location.h"

#include "system_modules.h"

namespace rmacheck {

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
  bool user_seen = false;
  for (int64_t pc : v.array(kF_pcs)) {
    SourceLocation loc = sym.lookup(static_cast<uint64_t>(pc));
    if (!user_seen && is_system_module(loc.module)) continue;  // binding layers above the user's frame
    user_seen = true;
    frames.push_back({loc.file, loc.line, loc.function, loc.module});
  }
  return frames;
}

Frame LocationResolver::location(EventRef ref) {
  auto frames = stack(ref);
  return frames.empty() ? Frame{} : frames.front();
}

}  // namespace rmacheck
