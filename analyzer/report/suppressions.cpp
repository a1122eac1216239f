#include "report/suppressions.h"

#include <fnmatch.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "detectors/finding.h"

namespace rmacheck {

using nlohmann::json;

namespace {

const std::set<std::string>& kind_names() {
  static const std::set<std::string> names = [] {
    std::set<std::string> s;
    for (int k = 0; k < kKindCount; ++k) s.insert(kind_info(static_cast<FindingKind>(k)).name);
    return s;
  }();
  return names;
}

bool glob(const std::string& pattern, const std::string& s) { return fnmatch(pattern.c_str(), s.c_str(), 0) == 0; }

bool parse_int(const std::string& s, int& out) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoi(s);
  return out > 0;
}

// The finding's code: details.code, or the request detectors' details.problem.
std::string code_of(const json& f) {
  const json& d = f.value("details", json::object());
  if (!d.is_object()) return "";
  if (d.contains("code") && d["code"].is_string()) return d["code"];
  if (d.contains("problem") && d["problem"].is_string()) return d["problem"];
  return "";
}

// Every frame the finding points at: each side's location and stack, and its own location.
std::vector<const json*> frames_of(const json& f) {
  std::vector<const json*> out;
  auto add = [&](const json& loc) {
    if (loc.is_object()) out.push_back(&loc);
  };
  static const json kNone = json::array();
  for (const json& a : f.contains("accesses") ? f["accesses"] : kNone) {
    if (a.contains("location")) add(a["location"]);
    for (const json& fr : a.contains("stack") ? a["stack"] : kNone) add(fr);
  }
  if (f.contains("location")) add(f["location"]);
  return out;
}

bool file_matches(const std::string& pattern, const std::string& file, const std::string& root) {
  if (file.empty()) return false;
  if (pattern.find('/') == std::string::npos) return glob(pattern, file.substr(file.find_last_of('/') + 1));
  if (glob(pattern, file)) return true;
  std::string prefix = root.empty() || root.back() == '/' ? root : root + "/";
  return !prefix.empty() && file.compare(0, prefix.size(), prefix) == 0 && glob(pattern, file.substr(prefix.size()));
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

bool Suppressions::load(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read suppressions file " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, error);
}

bool Suppressions::parse(const std::string& text, const std::string& name, std::string& error) {
  path_ = name;
  rules_.clear();
  std::istringstream in(text);
  int lineno = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++lineno;
    const std::string where = name + ":" + std::to_string(lineno) + ": ";
    const std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    SuppressionRule rule;
    rule.line = lineno;
    rule.text = line;
    std::istringstream words(line);
    words >> rule.kind;
    if (rule.kind != "*" && !kind_names().count(rule.kind)) {
      error = where + "unknown finding kind '" + rule.kind + "' (a kind of the report, or *)";
      return false;
    }
    std::set<std::string> seen;
    for (std::string w; words >> w;) {
      const size_t eq = w.find('=');
      const std::string key = w.substr(0, eq), value = eq == std::string::npos ? "" : w.substr(eq + 1);
      if (eq == std::string::npos || value.empty()) {
        error = where + "expected key=value, got '" + w + "'";
        return false;
      }
      if (!seen.insert(key).second) {
        error = where + "'" + key + "=' given twice";
        return false;
      }
      if (key == "file") {
        rule.file = value;
      } else if (key == "function") {
        rule.function = value;
      } else if (key == "code") {
        rule.code = value;
      } else if (key == "line") {
        const size_t dash = value.find('-');
        const bool ok = dash == std::string::npos
                            ? parse_int(value, rule.line_lo) && parse_int(value, rule.line_hi)
                            : parse_int(value.substr(0, dash), rule.line_lo) &&
                                  parse_int(value.substr(dash + 1), rule.line_hi) && rule.line_lo <= rule.line_hi;
        if (!ok) {
          error = where + "line=" + value + " is not a line number or a range N-M";
          return false;
        }
      } else {
        error = where + "unknown key '" + key + "' (file=, function=, line=, code=)";
        return false;
      }
    }
    if (rule.kind == "*" && seen.empty()) {
      error = where + "'*' alone would suppress every finding; add file=, function=, line= or code=";
      return false;
    }
    rules_.push_back(rule);
  }
  return true;
}

const SuppressionRule* Suppressions::match(const json& f, const std::string& source_root) const {
  const std::string kind = f.value("kind", "");
  const std::vector<const json*> frames = frames_of(f);
  for (const SuppressionRule& r : rules_) {
    if (r.kind != "*" && r.kind != kind) continue;
    if (!r.code.empty() && !glob(r.code, code_of(f))) continue;
    if (r.file.empty() && r.function.empty() && r.line_lo == 0) return &r;
    for (const json* fr : frames) {
      const std::string file = fr->value("file", ""), function = fr->value("function", "");
      const int line = fr->value("line", 0);
      if (!r.file.empty() && !file_matches(r.file, file, source_root)) continue;
      if (!r.function.empty() && !glob(r.function, function)) continue;
      if (r.line_lo && (line < r.line_lo || line > r.line_hi)) continue;
      return &r;
    }
  }
  return nullptr;
}

std::optional<InlineSuppression> inline_suppression(const json& f, SourceFiles& sources) {
  static const std::string kTag = "rmacheck-suppress:";
  const std::string kind = f.value("kind", "");
  std::vector<const json*> locations;
  static const json kNone = json::array();
  for (const json& a : f.contains("accesses") ? f["accesses"] : kNone)
    if (a.contains("location") && a["location"].is_object()) locations.push_back(&a["location"]);
  if (f.contains("location") && f["location"].is_object()) locations.push_back(&f["location"]);
  for (const json* loc : locations) {
    const std::string file = loc->value("file", "");
    const int line = loc->value("line", 0);
    for (int l : {line, line - 1}) {
      const std::string* text = sources.line(file, l);
      if (!text) continue;
      const size_t at = text->find(kTag);
      if (at == std::string::npos) continue;
      // The kinds: a comma-separated list after the tag, up to the first blank.
      std::istringstream rest(text->substr(at + kTag.size()));
      std::string list;
      rest >> list;
      std::istringstream kinds(list);
      for (std::string k; std::getline(kinds, k, ',');)
        if (k == kind || k == "*") return InlineSuppression{file, l, trim(text->substr(at))};
    }
  }
  return std::nullopt;
}

}  // namespace rmacheck
