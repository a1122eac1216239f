// The finding codes (analyzer/detectors/finding_codes.def): their table is
// consistent, and docs/user-guide.md lists exactly these codes, kinds and
// meanings (a failure prints the rows the guide needs).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "detectors/finding.h"

namespace rmacheck {
namespace {

TEST(FindingCodes, EachCodeAndKindPairIsListedOnce) {
  std::set<std::pair<std::string, int>> seen;
  for (int c = 0; c < kCodeCount; ++c) {
    const CodeInfo& info = code_info(static_cast<FindingCode>(c));
    EXPECT_TRUE(seen.insert({info.code, info.kind}).second) << info.code;
    EXPECT_LT(info.kind, kKindCount) << info.code;
    EXPECT_TRUE(std::regex_match(info.code, std::regex("[A-Za-z_]+(-[A-Za-z_]+)*"))) << info.code;
    EXPECT_FALSE(std::string(info.meaning).empty()) << info.code;
    EXPECT_EQ(coded_finding(static_cast<FindingCode>(c)).kind, info.kind);
  }
}

TEST(FindingCodes, TheUserGuideListsTheTable) {
  std::ifstream in(std::string(RMACHECK_SOURCE_DIR) + "/docs/user-guide.md");
  ASSERT_TRUE(in) << "cannot read docs/user-guide.md";
  // Rows of the codes table: | `code` | `kind` | meaning |
  const std::regex row(R"(^\| `([^`]+)` \| `([^`]+)` \| (.*) \|$)");
  std::vector<std::string> guide, table;
  std::string line;
  bool in_codes = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_codes = line == "## Finding codes";
    std::smatch m;
    if (in_codes && std::regex_match(line, m, row)) guide.push_back(line);
  }
  std::ostringstream want;
  for (int c = 0; c < kCodeCount; ++c) {
    const CodeInfo& info = code_info(static_cast<FindingCode>(c));
    table.push_back(std::string("| `") + info.code + "` | `" + kind_info(info.kind).name + "` | " + info.meaning +
                    " |");
    want << table.back() << "\n";
  }
  EXPECT_EQ(guide, table) << "the \"## Finding codes\" table of docs/user-guide.md should read:\n" << want.str();
}

}  // namespace
}  // namespace rmacheck
