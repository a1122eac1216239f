// What `rmacheck help [COMMAND|flags]`, `COMMAND --help` and usage errors
// print. The option tables here are also what the parser reads
// (command_line.h), so every accepted option is explained and vice versa.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/command_line.h"

namespace rmacheck {

const std::vector<OptionSpec>& run_options();
const std::vector<OptionSpec>& analyze_options();
const std::vector<OptionSpec>& dump_options();

// The short synopsis printed after a usage error.
const char* usage_synopsis();
// Full help of a topic: "" (overview), "run", "analyze", "dump", "flags". False for an unknown topic.
bool print_help(const std::string& topic, std::ostream& out);
std::string version_string();  // "rmacheck 0.1.0"

}  // namespace rmacheck
