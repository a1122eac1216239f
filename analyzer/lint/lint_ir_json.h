// Lint IR as JSON: how the mpi4py frontend (a Python helper) hands its
// graphs to the checks, and `rmacheck lint --dump-ir` for debugging.
#pragma once

#include <nlohmann/json.hpp>

#include "lint/lint_ir.h"

namespace rmacheck::lint {

nlohmann::json unit_to_json(const Unit& u);
// Throws nlohmann::json::exception on a malformed document.
Unit unit_from_json(const nlohmann::json& j);

}  // namespace rmacheck::lint
