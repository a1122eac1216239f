// Suppression files (syntax, one-line errors with the line number, matching
// by kind, file glob, function, line and code), inline suppression comments,
// and what the report does with suppressed findings (listed, counted, not in
// the exit status).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "detectors/detector.h"
#include "log_builder.h"
#include "report/report.h"
#include "report/suppressions.h"

namespace rmacheck {
namespace {

using nlohmann::json;

json side(const std::string& file, int line, const std::string& function, std::vector<json> callers = {}) {
  json loc = {{"file", file}, {"line", line}, {"function", function}};
  json stack = json::array({loc});
  for (json& c : callers) stack.push_back(c);
  return {{"rank", 0}, {"call", "MPI_Put"}, {"location", loc}, {"stack", stack}};
}

json finding(const std::string& kind, std::vector<json> sides, json details = json::object()) {
  return {{"kind", kind}, {"accesses", sides}, {"details", details}};
}

bool parses(const std::string& text, std::string* error = nullptr) {
  Suppressions s;
  std::string e;
  const bool ok = s.parse(text, "supp.txt", e);
  if (error) *error = e;
  return ok;
}

TEST(SuppressionFile, RulesCommentsAndBlankLines) {
  Suppressions s;
  std::string error;
  ASSERT_TRUE(
      s.parse("# rmacheck suppressions\n"
              "\n"
              "rma-conflict file=src/halo.c line=120-140   # the known halo race\n"
              "  origin-buffer-conflict function=pack_*\n"
              "epoch-mismatch code=flush-outside*\n"
              "resource-leak\n"
              "* file=third_party/*\n",
              "supp.txt", error))
      << error;
  ASSERT_EQ(s.rules().size(), 5u);
  EXPECT_EQ(s.rules()[0].line, 3);
  EXPECT_EQ(s.rules()[0].text, "rma-conflict file=src/halo.c line=120-140");
  EXPECT_EQ(s.rules()[0].line_lo, 120);
  EXPECT_EQ(s.rules()[0].line_hi, 140);
  EXPECT_EQ(s.rules()[1].function, "pack_*");
  EXPECT_EQ(s.rules()[4].kind, "*");
}

TEST(SuppressionFile, ABadLineIsOneErrorWithItsLineNumber) {
  const std::pair<const char*, const char*> bad[] = {
      {"rma-conflict\nrma-confilct file=a.c\n", "supp.txt:2: unknown finding kind 'rma-confilct'"},
      {"rma-conflict fiel=a.c\n", "supp.txt:1: unknown key 'fiel'"},
      {"\n\nrma-conflict line=abc\n", "supp.txt:3: line=abc is not a line number or a range N-M"},
      {"rma-conflict line=9-3\n", "supp.txt:1: line=9-3"},
      {"rma-conflict file\n", "supp.txt:1: expected key=value, got 'file'"},
      {"rma-conflict file=a.c file=b.c\n", "supp.txt:1: 'file=' given twice"},
      {"*\n", "supp.txt:1: '*' alone would suppress every finding"},
  };
  for (const auto& [text, want] : bad) {
    std::string error;
    EXPECT_FALSE(parses(text, &error)) << text;
    EXPECT_EQ(error.rfind(want, 0), 0u) << "got: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  Suppressions s;
  std::string error;
  EXPECT_FALSE(s.load("/nonexistent/supp.txt", error));
  EXPECT_EQ(error.rfind("cannot read suppressions file /nonexistent/supp.txt", 0), 0u) << error;
}

TEST(SuppressionFile, MatchesByKindFileFunctionLineAndCode) {
  Suppressions s;
  std::string error;
  ASSERT_TRUE(
      s.parse("rma-conflict file=src/halo.c line=120-140\n"
              "origin-buffer-conflict function=pack_*\n"
              "epoch-mismatch code=flush-outside*\n"
              "request-misuse code=start-active\n"
              "* file=third_party/*\n"
              "target-local-conflict file=util.c function=helper line=7\n",
              "supp.txt", error))
      << error;
  const std::string root = "/proj";
  auto rule = [&](const json& f) {
    const SuppressionRule* r = s.match(f, root);
    return r ? r->line : 0;
  };
  EXPECT_EQ(rule(finding("rma-conflict", {side("/proj/src/halo.c", 130, "main")})), 1);
  EXPECT_EQ(rule(finding("rma-conflict", {side("/proj/src/halo.c", 141, "main")})), 0);  // outside the range
  EXPECT_EQ(rule(finding("rma-conflict", {side("/proj/other/halo.c", 130, "main")})), 0);
  EXPECT_EQ(rule(finding("origin-buffer-conflict", {side("/proj/src/halo.c", 130, "main")})), 0);  // kind
  // Any side, and any frame of a side's stack (a caller) may match.
  EXPECT_EQ(
      rule(finding("origin-buffer-conflict",
                   {side("/proj/a.c", 3, "main"),
                    side("/proj/b.c", 9, "x", {{{"file", "/proj/b.c"}, {"line", 20}, {"function", "pack_rows"}}})})),
      2);
  EXPECT_EQ(rule(finding("epoch-mismatch", {side("/proj/a.c", 3, "main")}, {{"code", "flush-outside-epoch"}})), 3);
  EXPECT_EQ(rule(finding("epoch-mismatch", {side("/proj/a.c", 3, "main")}, {{"code", "nested-lock"}})), 0);
  EXPECT_EQ(rule(finding("request-misuse", {side("/proj/a.c", 3, "main")}, {{"problem", "start-active"}})), 4);
  EXPECT_EQ(rule(finding("hang", {side("/proj/third_party/lib/x.c", 3, "main")})), 5);
  // file, function and line must hold for one frame.
  EXPECT_EQ(rule(finding("target-local-conflict", {side("/proj/util.c", 7, "helper")})), 6);
  EXPECT_EQ(rule(finding("target-local-conflict", {side("/proj/util.c", 7, "main"), side("/proj/b.c", 7, "helper")})),
            0);
  // A pattern without '/' is a base name anywhere.
  EXPECT_EQ(rule(finding("target-local-conflict", {side("/elsewhere/util.c", 7, "helper")})), 6);
}

TEST(InlineSuppression, OnTheLineOrTheLineBefore) {
  const std::string path = ::testing::TempDir() + "rmacheck_inline_supp.c";
  std::ofstream(path) << "int main() {\n"                                                        // 1
                         "  // rmacheck-suppress: rma-conflict\n"                                // 2
                         "  MPI_Put(a);\n"                                                       // 3
                         "  MPI_Get(b); /* rmacheck-suppress: hang,origin-buffer-conflict */\n"  // 4
                         "  MPI_Put(c);\n"                                                       // 5
                         "  MPI_Put(d); // rmacheck-suppress: *\n"                               // 6
                         "}\n";
  SourceFiles files;
  auto at = [&](const std::string& kind, int line) {
    auto s = inline_suppression(finding(kind, {side("/proj/a.c", 1, "main"), side(path, line, "main")}), files);
    return s ? s->line : 0;
  };
  EXPECT_EQ(at("rma-conflict", 3), 2);
  EXPECT_EQ(at("rma-conflict", 2), 2);
  EXPECT_EQ(at("missing-epoch", 3), 0);  // another kind
  EXPECT_EQ(at("origin-buffer-conflict", 4), 4);
  EXPECT_EQ(at("origin-buffer-conflict", 5), 4);  // the line before
  EXPECT_EQ(at("rma-conflict", 1), 0);
  EXPECT_EQ(at("resource-leak", 6), 6);
  EXPECT_EQ(at("rma-conflict", 7), 6);
  std::remove(path.c_str());
}

TEST(SuppressedFindings, AreListedCountedAndLeaveTheExitStatus) {
  LogBuilder b(2);
  EventRef p0 = b.call(0, kCall_Put, 10).ref();
  EventRef p1 = b.call(1, kCall_Put, 10).ref();
  EventRef leak = b.call(1, kCall_Comm_dup, 20).ref();
  Model m = b.build();
  Analysis a;
  Finding race;
  race.kind = kKind_rma_conflict;
  race.message = "race";
  race.accesses = {Access{p0, "write", 1, 0, 4, ""}, Access{p1, "write", 1, 0, 4, ""}};
  Finding w;
  w.kind = kKind_resource_leak;
  w.message = "leak";
  w.where = leak;
  a.findings = {race, w};

  Suppressions s;
  std::string error;
  ASSERT_TRUE(s.parse("# accepted\nrma-conflict file=test.py line=10\n", "supp.txt", error)) << error;
  ReportOptions opts;
  opts.suppressions = &s;
  json report = build_report(m, a, opts);
  ASSERT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["findings"][0]["kind"], "resource-leak");
  ASSERT_EQ(report["suppressed"].size(), 1u);
  const json& by = report["suppressed"][0]["suppressed_by"];
  EXPECT_EQ(by["rule"], "rma-conflict file=test.py line=10");
  EXPECT_EQ(by["file"], "supp.txt");
  EXPECT_EQ(by["line"], 2);
  EXPECT_EQ(report["summary"], json({{"errors", 0}, {"warnings", 1}, {"suppressed", 1}}));
  EXPECT_EQ(report_exit_status(report), 0);
  EXPECT_EQ(report["suppressions"]["rules"][0]["matched"], 1);
  const std::string text = render_text(report);
  EXPECT_NE(text.find("suppressed: rma-conflict at test.py:10 in <module>, by supp.txt:2 (rma-conflict file=test.py "
                      "line=10)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SUMMARY: rmacheck: 0 errors, 1 warning, 1 suppressed"), std::string::npos) << text;

  // Without the rules the race counts.
  json plain = build_report(m, a);
  EXPECT_EQ(plain["summary"]["errors"], 1);
  EXPECT_EQ(report_exit_status(plain), 1);
}

}  // namespace
}  // namespace rmacheck
