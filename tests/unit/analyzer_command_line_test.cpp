// Command-line parsing: the forms people type, and numbers read whole with range checks.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "cli/command_line.h"

namespace rmacheck {
namespace {

const std::vector<OptionSpec> kSpecs = {
    {"-n", "-n", "N", "ranks"},
    {"-n", "-np", "N", nullptr},
    {"--timeout", nullptr, "SEC", "t"},
    {"--output", "-o", "FILE", "out"},
    {"--keep-going", nullptr, nullptr, "k"},
};

ParsedArgs parse(std::vector<std::string> args, std::map<std::string, std::string>& seen, bool stop = true) {
  return parse_args(
      args, kSpecs,
      [&](const OptionSpec& s, const std::string& v) {
        seen[s.long_name] = v;
        return std::string();
      },
      stop);
}

TEST(CommandLine, FormsPeopleType) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"-n", "4", "--timeout", "9", "-o", "r.json"},
                                                                {"-n4", "--timeout=9", "-or.json"},
                                                                {"-np", "4", "--timeout", "9", "--output=r.json"},
                                                                {"-np4", "--timeout=9", "--output", "r.json"}}) {
    std::map<std::string, std::string> seen;
    ParsedArgs p = parse(args, seen);
    EXPECT_EQ(p.error, "");
    EXPECT_EQ(seen["-n"], "4");
    EXPECT_EQ(seen["--timeout"], "9");
    EXPECT_EQ(seen["--output"], "r.json");
  }
}

TEST(CommandLine, ProgramAndItsArgumentsStayTogether) {
  std::map<std::string, std::string> seen;
  ParsedArgs p = parse({"--keep-going", "./app", "-n", "3", "--help"}, seen);
  EXPECT_EQ(p.error, "");
  EXPECT_FALSE(p.help);
  EXPECT_EQ(p.rest, (std::vector<std::string>{"./app", "-n", "3", "--help"}));
  EXPECT_EQ(seen.count("-n"), 0u);
  p = parse({"-n", "2", "--", "-weird-name"}, seen);
  EXPECT_EQ(p.rest, (std::vector<std::string>{"-weird-name"}));
}

TEST(CommandLine, Errors) {
  std::map<std::string, std::string> seen;
  EXPECT_EQ(parse({"--bogus"}, seen).error, "unknown option --bogus");
  EXPECT_EQ(parse({"--timeout"}, seen).error, "--timeout needs a value (SEC)");
  EXPECT_EQ(parse({"--keep-going=1"}, seen).error, "--keep-going takes no value");
  EXPECT_TRUE(parse({"-h"}, seen).help);
}

TEST(CommandLine, CountsAreWholeNumbersInRange) {
  long v = -7;
  EXPECT_EQ(parse_count("4", "-n", 1, 1 << 20, v), "");
  EXPECT_EQ(v, 4);
  for (const char* bad : {"3x", "", "-1", "0", "99999999999", "1e3", " 4", "4 ", "0x10", "nan"}) {
    v = -7;
    std::string err = parse_count(bad, "-n", 1, 1 << 20, v);
    EXPECT_NE(err, "") << bad;
    EXPECT_NE(err.find("-n needs a whole number from 1 to 1048576"), std::string::npos) << err;
    EXPECT_EQ(v, -7) << bad;
  }
}

TEST(CommandLine, SecondsAreFinitePositiveNumbers) {
  double s = 0;
  EXPECT_EQ(parse_seconds("2.5", "--timeout", 1e7, s), "");
  EXPECT_EQ(s, 2.5);
  EXPECT_EQ(parse_seconds(".5", "--timeout", 1e7, s), "");
  for (const char* bad : {"nan", "inf", "-3", "0", "5abc", "", "1e400", "1e8", " 5", "NaN"}) {
    s = 7;
    EXPECT_NE(parse_seconds(bad, "--timeout", 1e7, s), "") << bad;
    EXPECT_EQ(s, 7) << bad;
  }
}

}  // namespace
}  // namespace rmacheck
