// The report: findings resolved to source locations and merged (a race in a
// loop is one finding with a count), as the JSON document of contract.md.
// The text and SARIF renderers read that document, so all three formats
// always say the same thing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "detectors/finding.h"

namespace rmacheck {

nlohmann::json build_report(const Model& model, const Analysis& analysis);

std::string render_text(const nlohmann::json& report);
std::string render_json(const nlohmann::json& report);
std::string render_sarif(const nlohmann::json& report);

// Exit status for CI: 1 when the report has errors, else 0.
int report_exit_status(const nlohmann::json& report);

}  // namespace rmacheck
