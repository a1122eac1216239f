// Parsing of rmacheck's command lines: one table of options per command
// (which also gives the help text), the forms people type (`--opt value`,
// `--opt=value`, `-n 4`, `-n4`), and numbers read as whole strings with
// range checks (`-n 3x`, `--timeout nan` are usage errors, not 3 and 0).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace rmacheck {

struct OptionSpec {
  const char* long_name;   // "--timeout"
  const char* short_name;  // "-n", or nullptr
  const char* metavar;     // "SEC" for an option that takes a value, nullptr for a switch
  const char* help;        // one or more sentences for `rmacheck help COMMAND`
};

// Called for each option found: (the spec, its value or "" for a switch).
// Returns "" to accept, or a usage error message.
using OptionHandler = std::function<std::string(const OptionSpec&, const std::string&)>;

struct ParsedArgs {
  std::vector<std::string> positional;  // arguments that are not options
  std::vector<std::string> rest;        // after "--" (or from the first positional on, with stop_at_positional)
  bool help = false;                    // -h / --help was given
  std::string error;                    // usage error, "" when the line is fine
};

// Parses args against specs. With stop_at_positional the first non-option
// argument and everything after it go to `rest` (PROGRAM ARGS... of run).
ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs,
                      const OptionHandler& on_option, bool stop_at_positional);

// Whole-string number parsing. Return "" on success, else a usage error naming `what`.
std::string parse_count(const std::string& text, const char* what, long min, long max, long& out);
std::string parse_seconds(const std::string& text, const char* what, double max, double& out);

}  // namespace rmacheck
