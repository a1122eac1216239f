// The report stage on hand-built findings and event streams: merging (never
// hiding a distinct pair of sides), the context each race side carries, the
// notes, and the text / SARIF / HTML renderers (structure and escaping).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "detectors/detector.h"
#include "log_builder.h"
#include "report/escape.h"
#include "report/kind_help.h"
#include "report/report.h"

namespace rmacheck {
namespace {

using nlohmann::json;

constexpr int64_t kInt = 6;
constexpr int64_t kWin = 5;
constexpr int64_t kBase = 0x10000;

// `n` ranks that created window kWin (64 bytes, disp_unit 4) at line 1 and know MPI_INT.
LogBuilder with_window(int n) {
  LogBuilder b(n);
  b.window_on_every_rank(kWin, kWinCreate, kBase, 64, 4, 1);
  for (int r = 0; r < n; ++r) {
    b.basic_type(r, kInt, 4);
  }
  return b;
}

EventBuilder rma(LogBuilder& b, int rank, CallId call, int line, int target, int64_t disp, int64_t count,
                 int64_t origin) {
  return b.call(rank, call, line)
      .f(kF_win, kWin)
      .f(kF_target, target)
      .f(kF_disp, disp)
      .f(kF_target_count, count)
      .f(kF_target_type, kInt)
      .f(kF_origin_addr, origin)
      .f(kF_origin_count, count)
      .f(kF_origin_type, kInt);
}

void fence_all(LogBuilder& b, int n, int line) {
  for (int r = 0; r < n; ++r) b.call(r, kCall_Win_fence, line).f(kF_win, kWin).f(kF_assert, 0);
}

// A hand-made race finding between two events (lines come from the builder's Python sites).
Finding race(EventRef a, EventRef b, int target = 2) {
  Finding f;
  f.kind = kKind_rma_conflict;
  f.message = "race";
  f.window = "win#0";
  f.accesses = {Access{a, "write", target, 0, 4, ""}, Access{b, "write", target, 0, 4, ""}};
  return f;
}

const json* finding_with_ranks(const json& report, std::vector<int> ranks) {
  for (const json& f : report["findings"]) {
    std::vector<int> r;
    for (const json& a : f["accesses"]) r.push_back(a["rank"]);
    if (r == ranks) return &f;
  }
  return nullptr;
}

// ---------------------------------------------------------------- merging

TEST(ReportMerge, ACrossRankRaceAndASelfRaceAtTheSameLinesStayTwoFindings) {
  LogBuilder b(3);
  EventRef p0 = b.call(0, kCall_Put, 10).ref();
  EventRef p0b = b.call(0, kCall_Put, 10).ref();
  EventRef p1 = b.call(1, kCall_Put, 10).ref();
  Model m = b.build();
  Analysis a;
  a.findings = {race(p0, p1), race(p0, p0b)};
  json report = build_report(m, a);
  ASSERT_EQ(report["findings"].size(), 2u) << report["findings"].dump(1);
  EXPECT_NE(finding_with_ranks(report, {0, 1}), nullptr);
  EXPECT_NE(finding_with_ranks(report, {0, 0}), nullptr);
  EXPECT_NE(merge_key(report["findings"][0]), merge_key(report["findings"][1]));
}

TEST(ReportMerge, OtherRankPairsAtTheSameLinesMergeButAreListed) {
  LogBuilder b(4);
  EventRef p0 = b.call(0, kCall_Put, 10).ref();
  EventRef g1 = b.call(1, kCall_Get, 12).ref();
  EventRef g2 = b.call(2, kCall_Get, 12).ref();
  EventRef p3 = b.call(3, kCall_Put, 10).ref();
  Model m = b.build();
  Analysis a;
  // (put 0, get 1), (get 2, put 0) found the other way round, (put 3, get 1) twice.
  Finding f3 = race(p3, g1);
  f3.count = 2;
  a.findings = {race(p0, g1), race(g2, p0), f3};
  json report = build_report(m, a);
  ASSERT_EQ(report["findings"].size(), 1u) << report["findings"].dump(1);
  const json& f = report["findings"][0];
  EXPECT_EQ(f["count"], 4);
  EXPECT_EQ(f["ranks"], json({0, 1, 2, 3}));
  // In the order of the shown sides (put, get): every pair of (rank, call) is there.
  std::map<std::vector<int>, int> occ;
  for (const json& o : f["occurrences"]) occ[o["ranks"].get<std::vector<int>>()] = o["count"];
  EXPECT_EQ(occ, (std::map<std::vector<int>, int>{{{0, 1}, 1}, {{0, 2}, 1}, {{3, 1}, 2}}));
  const std::string text = render_text(report);
  EXPECT_NE(text.find("occurrences by the ranks of the sides: 0,1 (1x); 0,2 (1x); 3,1 (2x)"), std::string::npos)
      << text;
}

TEST(ReportMerge, OtherKindsMergeAcrossRankPatternsAndListThePairs) {
  // One broken fence assertion, found once per rank whose Put it must complete.
  LogBuilder b(2);
  EventRef fence = b.call(0, kCall_Win_fence, 9).ref();
  EventRef put0 = b.call(0, kCall_Put, 8).ref();
  EventRef put1 = b.call(1, kCall_Put, 8).ref();
  Model m = b.build();
  Analysis a;
  for (EventRef put : {put0, put1}) {
    Finding f;
    f.kind = kKind_assert_violation;
    f.message = "NOPRECEDE";
    f.accesses = {Access{fence, "call", -1, -1, -1, ""}, Access{put, "write", 1, 0, 4, ""}};
    a.findings.push_back(f);
  }
  json report = build_report(m, a);
  ASSERT_EQ(report["findings"].size(), 1u) << report["findings"].dump(1);
  EXPECT_EQ(report["findings"][0]["occurrences"],
            json::array({{{"ranks", {0, 0}}, {"count", 1}}, {{"ranks", {0, 1}}, {"count", 1}}}));
}

TEST(ReportMerge, TheDetectorsOwnTallyOfSideRanksIsKept) {
  LogBuilder b(3);
  EventRef p0 = b.call(0, kCall_Put, 10).ref();
  EventRef p1 = b.call(1, kCall_Put, 10).ref();
  Model m = b.build();
  Analysis a;
  Finding f = race(p0, p1);
  f.count = 3;
  f.rank_tuples = {{{0, 1}, 2}, {{1, 2}, 1}};
  a.findings = {f};
  json report = build_report(m, a);
  ASSERT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["findings"][0]["occurrences"].size(), 2u) << report["findings"][0].dump(1);
}

TEST(ReportMerge, TheRaceDetectorSeparatesSelfRacesFromCrossRankRaces) {
  // Ranks 0 and 1 Put at one line into rank 2, rank 0 twice: a race of rank 0
  // with itself and races between ranks 0 and 1, all in one fence epoch.
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Put, 10, 2, 0, 1, 0x900000);
  rma(b, 0, kCall_Put, 10, 2, 0, 1, 0x900000);
  rma(b, 1, kCall_Put, 10, 2, 0, 1, 0x900000);
  fence_all(b, 3, 20);
  Model m = b.build();
  json report = build_report(m, run_detectors(m));
  std::vector<const json*> races;
  for (const json& f : report["findings"])
    if (f["kind"] == "rma-conflict") races.push_back(&f);
  ASSERT_EQ(races.size(), 2u) << report["findings"].dump(1);
  const json* self = finding_with_ranks(report, {0, 0});
  ASSERT_NE(self, nullptr);
  EXPECT_NE((*self)["message"].get<std::string>().find("one origin"), std::string::npos) << (*self)["message"];
  const json* cross = nullptr;
  for (const json* f : races)
    if (f != self) cross = f;
  EXPECT_NE((*cross)["accesses"][0]["rank"], (*cross)["accesses"][1]["rank"]);
  EXPECT_EQ((*cross)["occurrences"], json::array({{{"ranks", {0, 1}}, {"count", 1}}}));
}

// ---------------------------------------------------------------- race context

TEST(ReportContext, OriginBufferSidesOfAGetNameItsTargetAndWindow) {
  // Rank 0 Gets from ranks 1 and 2 into one buffer in one fence epoch.
  LogBuilder b = with_window(3);
  fence_all(b, 3, 2);
  rma(b, 0, kCall_Get, 10, 1, 0, 4, 0x900000);
  rma(b, 0, kCall_Get, 10, 2, 0, 4, 0x900000);
  fence_all(b, 3, 20);
  Model m = b.build();
  json report = build_report(m, run_detectors(m));
  ASSERT_EQ(report["findings"].size(), 1u) << report["findings"].dump(1);
  const json& f = report["findings"][0];
  EXPECT_EQ(f["kind"], "origin-buffer-conflict");
  EXPECT_EQ(f["window"], "win#0");
  EXPECT_EQ(f["window_created"]["call"], "MPI_Win_create");
  EXPECT_EQ(f["window_created"]["location"]["line"], 1);
  const json& s = f["accesses"][0];
  EXPECT_EQ(s["target_rank"], 1);
  EXPECT_EQ(f["accesses"][1]["target_rank"], 2);
  EXPECT_EQ(s["memory"], "origin buffer");
  EXPECT_EQ(s["bytes"], json({0, 16}));
  EXPECT_EQ(s["elements"], json({0, 4}));
  EXPECT_EQ(s["element_size"], 4);
  EXPECT_EQ(s["sync"]["opened_by"]["call"], "MPI_Win_fence");
  EXPECT_EQ(s["sync"]["opened_by"]["location"]["line"], 2);
  EXPECT_EQ(s["sync"]["completed_by"]["call"], "MPI_Win_fence");
  EXPECT_EQ(s["sync"]["completed_by"]["location"]["line"], 20);
}

TEST(ReportContext, WindowSidesShowDisplacementsAndTheEpochBounds) {
  LogBuilder b = with_window(3);
  for (int r = 0; r < 3; ++r) b.call(r, kCall_Win_lock_all, 3).f(kF_win, kWin).f(kF_assert, 0);
  rma(b, 0, kCall_Put, 10, 2, 2, 3, 0x900000);  // disp 2..4, bytes [8,20)
  rma(b, 1, kCall_Put, 11, 2, 4, 1, 0x900000);  // disp 4, bytes [16,20)
  b.call(0, kCall_Win_unlock_all, 30).f(kF_win, kWin);
  b.call(1, kCall_Win_unlock_all, 31).f(kF_win, kWin);
  b.call(2, kCall_Win_unlock_all, 32).f(kF_win, kWin);
  Model m = b.build();
  json report = build_report(m, run_detectors(m));
  ASSERT_EQ(report["findings"].size(), 1u) << report["findings"].dump(1);
  const json& f = report["findings"][0];
  ASSERT_EQ(f["kind"], "rma-conflict");
  for (const json& s : f["accesses"]) {
    EXPECT_EQ(s["memory"], "window");
    EXPECT_EQ(s["target_rank"], 2);
    EXPECT_EQ(s["bytes"], json({16, 20}));
    EXPECT_EQ(s["disp"], json({4, 5}));
    EXPECT_EQ(s["disp_unit"], 4);
    EXPECT_EQ(s["sync"]["opened_by"]["call"], "MPI_Win_lock_all");
    EXPECT_EQ(s["sync"]["completed_by"]["call"], "MPI_Win_unlock_all");
  }
  const std::string text = render_text(report);
  EXPECT_NE(text.find("window bytes [16,20) = disp [4,5) x disp_unit 4"), std::string::npos) << text;
  EXPECT_NE(text.find("epoch opened by MPI_Win_lock_all at test.py:3 in <module>; completed by MPI_Win_unlock_all "
                      "at test.py:30 in <module>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("window win#0 (created by MPI_Win_create at test.py:1 in <module> on rank 2)"), std::string::npos)
      << text;
}

TEST(ReportContext, APersistentRequestsBufferNamesTheRequestAndItsStart) {
  // A persistent receive started, and its buffer sent from before the Wait.
  LogBuilder b(2);
  b.type(0, kInt, 4, 4, {{0, 4, static_cast<int32_t>(kInt)}}, kInt);
  b.call(0, kCall_Recv_init, 5)
      .f(kF_recv_buf, 0x900000)
      .f(kF_recv_count, 4)
      .f(kF_recv_type, kInt)
      .f(kF_comm, 1)
      .f(kF_new_req, 7);
  b.call(0, kCall_Start, 6).a(kF_req, {7});
  b.call(0, kCall_Send, 7).f(kF_buf, 0x900000).f(kF_count, 4).f(kF_type, kInt).f(kF_comm, 1);
  b.call(0, kCall_Wait, 8).a(kF_req, {7}).a(kF_done, {7});
  b.call(0, kCall_Request_free, 9).a(kF_req, {7});
  Model m = b.build();
  json report = build_report(m, run_detectors(m));
  const json* f = nullptr;
  for (const json& x : report["findings"])
    if (x["kind"] == "origin-buffer-conflict") f = &x;
  ASSERT_NE(f, nullptr) << report["findings"].dump(1);
  const json& pending = (*f)["accesses"][0];
  EXPECT_EQ(pending["call"], "MPI_Start");
  EXPECT_EQ(pending["memory"], "receive buffer");
  EXPECT_EQ(pending["request"]["created_by"]["call"], "MPI_Recv_init");
  EXPECT_EQ(pending["request"]["created_by"]["location"]["line"], 5);
  EXPECT_EQ(pending["location"]["line"], 6);  // the Start: the request is in use from there
  EXPECT_FALSE(pending.contains("target_rank"));
  EXPECT_EQ(pending["sync"]["completed_by"]["call"], "MPI_Wait");
  EXPECT_EQ((*f)["accesses"][1]["memory"], "send buffer");
  const std::string text = render_text(report);
  EXPECT_NE(text.find("request created by MPI_Recv_init at test.py:5 in <module>; completed by MPI_Wait at test.py:8"),
            std::string::npos)
      << text;
}

TEST(ReportContext, RequestFindingsNameTheRequestByItsCreationLine) {
  LogBuilder b(2);
  b.call(0, kCall_Send_init, 4).f(kF_buf, 0x900000).f(kF_count, 1).f(kF_type, kInt).f(kF_comm, 1).f(kF_new_req, 3);
  b.call(0, kCall_Start, 5).a(kF_req, {3});
  b.call(0, kCall_Start, 6).a(kF_req, {3});  // still active
  b.call(0, kCall_Wait, 7).a(kF_req, {3}).a(kF_done, {3});
  b.call(0, kCall_Request_free, 8).a(kF_req, {3});
  Model m = b.build();
  json report = build_report(m, run_detectors(m));
  const json* f = nullptr;
  for (const json& x : report["findings"])
    if (x["kind"] == "request-misuse") f = &x;
  ASSERT_NE(f, nullptr) << report["findings"].dump(1);
  const json& first = (*f)["accesses"][0];
  EXPECT_EQ(first["location"]["line"], 6);
  EXPECT_EQ(first["request"]["created_by"]["call"], "MPI_Send_init");
  EXPECT_EQ(first["request"]["created_by"]["location"]["line"], 4);
}

// ---------------------------------------------------------------- notes

TEST(ReportNotes, ACleanReportSaysLocalLoadsAndStoresWereNotChecked) {
  LogBuilder b(2);
  b.call(0, kCall_Barrier, 3).f(kF_comm, 1);
  b.call(1, kCall_Barrier, 3).f(kF_comm, 1);
  Model m = b.build();
  json report = build_report(m, run_detectors(m));
  EXPECT_TRUE(report["findings"].empty());
  int local = 0;
  for (const json& n : report["notes"])
    local += n.get<std::string>().find("local loads and stores") != std::string::npos;
  EXPECT_EQ(local, 1) << report["notes"].dump();
  const std::string text = render_text(report);
  EXPECT_NE(text.find("note: local loads and stores of window memory and buffers were not checked"), std::string::npos);

  // A rank that ran code built with rmacheck mpicc: its loads and stores were observed.
  m.logs[1].instrumented = {"/work/app"};
  json instrumented = build_report(m, run_detectors(m));
  for (const json& n : instrumented["notes"])
    EXPECT_EQ(n.get<std::string>().find("were not checked"), std::string::npos) << n;
}

json report_with_locations(std::vector<json> locations) {
  json accesses = json::array();
  int rank = 0;
  for (json& l : locations)
    accesses.push_back({{"rank", rank++},
                        {"call", "MPI_Put"},
                        {"event", 3},
                        {"access", "write"},
                        {"target_rank", 2},
                        {"bytes", {0, 4}},
                        {"location", l},
                        {"stack", l.is_null() ? json::array() : json::array({l})}});
  return {{"tool", "rmacheck"},
          {"format_version", 1},
          {"source_root", "/src/proj"},
          {"run",
           {{"ranks", 3},
            {"command", {"./app"}},
            {"complete", true},
            {"exit_status", 0},
            {"hang", nullptr},
            {"log_errors", json::array()},
            {"unfinished", json::array()}}},
          {"findings",
           {{{"kind", "rma-conflict"},
             {"severity", "error"},
             {"message", "MPI_Put from rank 0 and MPI_Put from rank 1 ..."},
             {"window", "win#0"},
             {"accesses", accesses},
             {"count", 1},
             {"ranks", {0, 1}}}}},
          {"suppressed", json::array()},
          {"notes", json::array()},
          {"summary", {{"errors", 1}, {"warnings", 0}, {"suppressed", 0}}}};
}

// ---------------------------------------------------------------- SARIF

TEST(ReportSarif, CodeScanningShape) {
  json report = report_with_locations({{{"file", "/src/proj/dir/a b.c"}, {"line", 31}, {"function", "main"}},
                                       {{"file", "/elsewhere/lib.c"}, {"line", 7}, {"function", "helper"}}});
  json sarif = json::parse(render_sarif(report));
  EXPECT_EQ(sarif["version"], "2.1.0");
  const json& run = sarif["runs"][0];
  const json& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "rmacheck");
  EXPECT_FALSE(driver["version"].get<std::string>().empty());
  EXPECT_EQ(run["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///src/proj/");
  EXPECT_EQ(driver["rules"].size(), static_cast<size_t>(kKindCount));
  for (const json& r : driver["rules"]) {
    EXPECT_FALSE(r["help"]["text"].get<std::string>().empty()) << r["id"];
    EXPECT_FALSE(r["shortDescription"]["text"].get<std::string>().empty()) << r["id"];
  }
  ASSERT_EQ(run["invocations"].size(), 1u);
  EXPECT_EQ(run["invocations"][0]["exitCode"], 1);
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], true);
  const json& res = run["results"][0];
  EXPECT_EQ(res["ruleId"], "rma-conflict");
  EXPECT_EQ(driver["rules"][res["ruleIndex"].get<int>()]["id"], "rma-conflict");
  const json& primary = res["locations"][0]["physicalLocation"];
  EXPECT_EQ(primary["artifactLocation"]["uri"], "dir/a%20b.c");
  EXPECT_EQ(primary["artifactLocation"]["uriBaseId"], "SRCROOT");
  EXPECT_EQ(primary["region"]["startLine"], 31);
  // Both sides as related locations; a file outside the root as an absolute file URI.
  ASSERT_EQ(res["relatedLocations"].size(), 2u);
  EXPECT_EQ(res["relatedLocations"][0]["id"], 0);
  EXPECT_EQ(res["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"], "file:///elsewhere/lib.c");
  EXPECT_FALSE(res["relatedLocations"][1]["physicalLocation"]["artifactLocation"].contains("uriBaseId"));
  EXPECT_FALSE(res["partialFingerprints"].empty());
}

TEST(ReportSarif, AFrameWithoutLineInformationClaimsNoLine) {
  json report = report_with_locations({{{"file", ""}, {"line", 0}, {"function", "main"}}, nullptr});
  json sarif = json::parse(render_sarif(report));
  const json& res = sarif["runs"][0]["results"][0];
  ASSERT_EQ(res["locations"].size(), 1u);
  const json& l = res["locations"][0];
  EXPECT_FALSE(l.contains("physicalLocation")) << l.dump();
  EXPECT_EQ(l["logicalLocations"][0]["name"], "main");
  const std::string text = sarif.dump();
  EXPECT_EQ(text.find("\"uri\":\"\""), std::string::npos);
  EXPECT_EQ(text.find("\"startLine\":1"), std::string::npos);
}

TEST(ReportSarif, SuppressedFindingsAreResultsWithASuppression) {
  json report = report_with_locations({{{"file", "/src/proj/a.c"}, {"line", 3}, {"function", "main"}},
                                       {{"file", "/src/proj/a.c"}, {"line", 4}, {"function", "main"}}});
  json f = report["findings"][0];
  f["suppressed_by"] = {{"rule", "rma-conflict file=a.c"}, {"file", "supp.txt"}, {"line", 2}};
  report["suppressed"].push_back(f);
  report["findings"] = json::array();
  json sarif = json::parse(render_sarif(report));
  const json& res = sarif["runs"][0]["results"];
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0]["suppressions"][0]["kind"], "external");
  EXPECT_NE(res[0]["suppressions"][0]["justification"].get<std::string>().find("supp.txt:2"), std::string::npos);
}

TEST(ReportHelp, EveryKindHasHelpText) {
  for (int k = 0; k < kKindCount; ++k) {
    const char* name = kind_info(static_cast<FindingKind>(k)).name;
    EXPECT_GT(std::string(kind_help(name)).size(), 40u) << name;
  }
}

// ---------------------------------------------------------------- escaping

TEST(ReportEscaping, ControlCharactersCannotForgeTextLines) {
  json report = report_with_locations(
      {{{"file", "/src/proj/x\nSUMMARY: rmacheck: 0 errors, 0 warnings\n.c"}, {"line", 3}, {"function", "f\x1b[2J"}},
       {{"file", "/src/proj/a.c"}, {"line", 4}, {"function", "main"}}});
  report["run"]["command"] = {"./app", "\nERROR: rmacheck: fake\r"};
  const std::string text = render_text(report);
  std::istringstream lines(text);
  int summaries = 0;
  for (std::string l; std::getline(lines, l);) {
    summaries += l.rfind("SUMMARY:", 0) == 0;
    EXPECT_NE(l.rfind("ERROR: rmacheck: fake", 0), 0u) << l;
    EXPECT_EQ(l.find('\x1b'), std::string::npos);
    EXPECT_EQ(l.find('\r'), std::string::npos);
  }
  EXPECT_EQ(summaries, 1) << text;
  EXPECT_NE(text.find("x\\nSUMMARY"), std::string::npos) << text;
  EXPECT_NE(text.find("f\\x1b[2J"), std::string::npos) << text;
}

TEST(ReportEscaping, NothingFromTheLogsBecomesMarkup) {
  json report = report_with_locations({{{"file", "/src/proj/<img src=x onerror=alert(1)>.c"},
                                        {"line", 3},
                                        {"function", "f\"><script>alert(2)</script>"}},
                                       {{"file", "/src/proj/a.c"}, {"line", 4}, {"function", "main"}}});
  report["run"]["command"] = {"./app", "</code><script>alert(3)</script>", "'&"};
  json ctx = json::object();
  ctx["timelines"] = json::array();
  ctx["sources"]["/src/proj/a.c"]["4"] = "if (a < b && c > d) { /* </pre><b>x</b> */";
  const std::string html = render_html(report, ctx);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("alert(2)</script>"), std::string::npos);
  EXPECT_EQ(html.find("alert(3)</script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  // Exactly the report's own script, and the escaped texts are there.
  size_t scripts = 0;
  for (size_t p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1)) ++scripts;
  EXPECT_EQ(scripts, 1u);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;.c:3"), std::string::npos);
  EXPECT_NE(html.find("if (a &lt; b &amp;&amp; c &gt; d)"), std::string::npos);
  EXPECT_NE(html.find("&#39;&amp;"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);  // no network, whatever the page holds
}

TEST(ReportEscaping, InvalidUtf8InAPathStillGivesJson) {
  json report = report_with_locations({{{"file", std::string("/src/proj/\xff\xfe.c")}, {"line", 3}, {"function", "m"}},
                                       {{"file", "/src/proj/a.c"}, {"line", 4}, {"function", "main"}}});
  EXPECT_NO_THROW(json::parse(render_json(report)));
  EXPECT_NO_THROW(json::parse(render_sarif(report)));
  EXPECT_EQ(printable("a\x01z"), "a\\x01z");
  EXPECT_EQ(html_escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
}

}  // namespace
}  // namespace rmacheck
