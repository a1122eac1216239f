// The program's source files, read on demand for what the report shows next
// to a finding (HTML source excerpts) and for inline suppression comments.
// A file that cannot be read, or is too big to be source, is simply absent.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace rmacheck {

class SourceFiles {
 public:
  // The lines of `path` (without their newlines), nullptr when unreadable.
  const std::vector<std::string>* lines(const std::string& path);
  // Line `line` (1-based) of `path`, nullptr when there is no such line.
  const std::string* line(const std::string& path, int line);

 private:
  std::map<std::string, std::vector<std::string>> files_;
  std::map<std::string, bool> missing_;
};

}  // namespace rmacheck
