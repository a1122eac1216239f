// Strings from the logs (paths, function names, the command line) are the
// program's, not the tool's: every renderer shows them through these, so
// they can neither forge report lines (text) nor inject markup (HTML).
#pragma once

#include <string>

namespace rmacheck {

// Control characters (and DEL) as \n, \t, \r, \xNN: one line stays one line.
std::string printable(const std::string& s);
// printable(), then &, <, >, " and ' as character references.
std::string html_escape(const std::string& s);

}  // namespace rmacheck
