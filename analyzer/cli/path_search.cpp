#include "cli/path_search.h"

#include <unistd.h>

#include <cstdlib>

namespace rmacheck {

bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  const std::string p = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= p.size();) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    const std::string dir = end > start ? p.substr(start, end - start) : ".";
    if (access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string first_on_path(const std::vector<std::string>& names) {
  for (const std::string& n : names)
    if (on_path(n)) return n;
  return names.empty() ? std::string() : names.back();
}

}  // namespace rmacheck
