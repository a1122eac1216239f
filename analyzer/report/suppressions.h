// Suppressions: findings the user has looked at and accepts, in the spirit of
// ThreadSanitizer's suppression files. Suppressed findings are not dropped:
// the report lists them with the rule that matched and counts them apart
// (they do not make the exit status 1).
//
// A suppressions file has one rule a line; `#` starts a comment:
//
//     KIND [file=GLOB] [function=GLOB] [line=N|N-M] [code=GLOB]
//
// KIND is a finding kind (rma-conflict, ...) or `*`. file, function and line
// must all match one frame of one side of the finding (its location or a
// caller in its stack); code matches the finding's details.code. `*` and `?`
// are shell wildcards (`*` also matches `/`); a file pattern without `/` is
// matched against the file's base name, one with `/` against its path
// relative to the source root and its absolute path.
//
// Inline form, in the program's source: a comment containing
// `rmacheck-suppress: KIND[,KIND...]` (or `*`) on the line a side of the
// finding points at, or on the line before it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/source_files.h"

namespace rmacheck {

struct SuppressionRule {
  int line = 0;                      // line in the suppressions file
  std::string text;                  // the rule as written, without its comment
  std::string kind;                  // a finding kind, or "*"
  std::string file, function, code;  // glob patterns, "" = any
  int line_lo = 0, line_hi = 0;      // source lines [lo, hi], 0 = any
};

class Suppressions {
 public:
  // Reads a suppressions file. False with a one-line `error` ("FILE:LINE: what") on the first bad line.
  bool load(const std::string& path, std::string& error);
  // The same from text; `name` is what errors call the file.
  bool parse(const std::string& text, const std::string& name, std::string& error);

  // The first rule that matches a finding of the report (the JSON of report.h), or nullptr.
  const SuppressionRule* match(const nlohmann::json& finding, const std::string& source_root) const;

  const std::string& path() const { return path_; }
  const std::vector<SuppressionRule>& rules() const { return rules_; }

 private:
  std::string path_;
  std::vector<SuppressionRule> rules_;
};

// The inline suppression that covers a finding: where the comment is ("file:line") and what it says.
struct InlineSuppression {
  std::string file;
  int line = 0;
  std::string text;
};
std::optional<InlineSuppression> inline_suppression(const nlohmann::json& finding, SourceFiles& sources);

}  // namespace rmacheck
