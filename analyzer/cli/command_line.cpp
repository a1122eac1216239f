#include "cli/command_line.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace rmacheck {

namespace {

const OptionSpec* find_long(const std::vector<OptionSpec>& specs, const std::string& name) {
  for (const OptionSpec& s : specs)
    if (name == s.long_name) return &s;
  return nullptr;
}

const OptionSpec* find_short(const std::vector<OptionSpec>& specs, const std::string& arg, size_t& used) {
  // The longest short name that prefixes arg: "-np4" is -np with 4, "-n4" is -n with 4.
  const OptionSpec* best = nullptr;
  for (const OptionSpec& s : specs) {
    if (!s.short_name) continue;
    size_t n = std::strlen(s.short_name);
    if (arg.compare(0, n, s.short_name) != 0) continue;
    if (arg.size() > n && !s.metavar) continue;  // a switch takes no attached value
    if (!best || n > used) best = &s, used = n;
  }
  return best;
}

}  // namespace

ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs,
                      const OptionHandler& on_option, bool stop_at_positional) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.rest.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      return out;
    }
    if (a == "-h" || a == "--help") {
      out.help = true;
      continue;
    }
    if (a.size() < 2 || a[0] != '-') {
      if (stop_at_positional) {
        out.rest.assign(args.begin() + static_cast<long>(i), args.end());
        return out;
      }
      out.positional.push_back(a);
      continue;
    }
    const OptionSpec* spec = nullptr;
    std::string value;
    bool has_value = false;
    if (a.compare(0, 2, "--") == 0) {
      size_t eq = a.find('=');
      spec = find_long(specs, a.substr(0, eq));
      if (spec && eq != std::string::npos) {
        if (!spec->metavar) {
          out.error = std::string(spec->long_name) + " takes no value";
          return out;
        }
        value = a.substr(eq + 1), has_value = true;
      }
    } else {
      size_t used = 0;
      spec = find_short(specs, a, used);
      if (spec && a.size() > used) value = a.substr(used), has_value = true;
    }
    if (!spec) {
      out.error = "unknown option " + a;
      return out;
    }
    if (spec->metavar && !has_value) {
      if (i + 1 >= args.size()) {
        out.error = std::string(spec->long_name) + " needs a value (" + spec->metavar + ")";
        return out;
      }
      value = args[++i];
    }
    std::string err = on_option(*spec, value);
    if (!err.empty()) {
      out.error = err;
      return out;
    }
  }
  return out;
}

std::string parse_count(const std::string& text, const char* what, long min, long max, long& out) {
  const std::string bad = std::string(what) + " needs a whole number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", not '" + text + "'";
  if (text.empty() || !(text[0] == '+' || (text[0] >= '0' && text[0] <= '9'))) return bad;
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0' || v < min || v > max) return bad;
  out = v;
  return "";
}

std::string parse_seconds(const std::string& text, const char* what, double max, double& out) {
  const std::string bad = std::string(what) + " needs seconds, a number greater than 0 and at most " +
                          std::to_string(static_cast<long>(max)) + ", not '" + text + "'";
  if (text.empty() || !(text[0] == '.' || text[0] == '+' || (text[0] >= '0' && text[0] <= '9'))) return bad;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || *end != '\0' || !std::isfinite(v) || v <= 0 || v > max) return bad;
  out = v;
  return "";
}

}  // namespace rmacheck
