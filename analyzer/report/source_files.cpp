#include "report/source_files.h"

#include <sys/stat.h>

#include <fstream>

namespace rmacheck {

namespace {
constexpr off_t kMaxSourceBytes = 16 << 20;
}

const std::vector<std::string>* SourceFiles::lines(const std::string& path) {
  if (path.empty() || missing_.count(path)) return nullptr;
  if (auto it = files_.find(path); it != files_.end()) return &it->second;
  struct stat st;
  std::ifstream in;
  if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxSourceBytes) in.open(path);
  if (!in) {
    missing_[path] = true;
    return nullptr;
  }
  std::vector<std::string>& out = files_[path];
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(std::move(l));
  }
  return &out;
}

const std::string* SourceFiles::line(const std::string& path, int line) {
  const std::vector<std::string>* l = lines(path);
  if (!l || line < 1 || static_cast<size_t>(line) > l->size()) return nullptr;
  return &(*l)[static_cast<size_t>(line) - 1];
}

}  // namespace rmacheck
