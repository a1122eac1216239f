// What to do about each finding kind: the help text SARIF rules and the
// HTML report show (contract.md's table says what each kind means).
#pragma once

#include <string>

namespace rmacheck {

// The help text of a kind ("" for a kind without one: the unit test forbids that).
const char* kind_help(const std::string& kind);

}  // namespace rmacheck
