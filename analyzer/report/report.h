// The report: findings resolved to source locations and merged (a race in a
// loop is one finding with a count), as the JSON document of contract.md.
// The text, SARIF and HTML renderers read that document, so all formats
// always say the same thing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "detectors/finding.h"

namespace rmacheck {

class Suppressions;

struct ReportOptions {
  std::string source_root;                     // paths are shown relative to it; "" = the working directory
  const Suppressions* suppressions = nullptr;  // the rules of --suppressions FILE
  bool inline_suppressions = true;             // honour `rmacheck-suppress:` comments in the sources
};

nlohmann::json build_report(const Model& model, const Analysis& analysis, const ReportOptions& options = {});

std::string render_text(const nlohmann::json& report);
std::string render_json(const nlohmann::json& report);
std::string render_sarif(const nlohmann::json& report);
// HTML needs what only the model knows besides the report: per-window
// timelines of each race and the source lines of its sides.
nlohmann::json build_html_context(const Model& model, const nlohmann::json& report);
std::string render_html(const nlohmann::json& report, const nlohmann::json& context);

// Exit status for CI: 1 when the report has (unsuppressed) errors, else 0.
int report_exit_status(const nlohmann::json& report);

// What makes two findings of the report "the same bug" and merges them: kind,
// window, each side's call, access and source line, and for races which sides
// are the same rank (a race of one rank with itself is not a race between two
// ranks). The merged finding lists every pair of side ranks it stands for.
std::string merge_key(const nlohmann::json& finding);

// Serializes JSON whatever the logs held: invalid UTF-8 in a path becomes U+FFFD.
std::string dump_json(const nlohmann::json& j, int indent);

}  // namespace rmacheck
