// The request state machine (request_tracker.h) and the request and
// resource-leak detectors on hand-built event streams: every transition and
// every error of rma-semantics.md section 6.
#include <gtest/gtest.h>

#include <set>

#include "call_traits.h"
#include "detectors/detector.h"
#include "detectors/wording.h"
#include "log_builder.h"
#include "model/request_tracker.h"
#include "report/report.h"

namespace rmacheck {

std::unique_ptr<Detector> make_request_detector();
std::unique_ptr<Detector> make_resource_leak_detector();

namespace {

constexpr int64_t kErrRequest = 7;  // MPI_ERR_REQUEST in Open MPI

Analysis run_request(const Model& m) {
  Analysis a;
  AnalysisContext ctx(m);
  make_request_detector()->run(ctx, a);
  return a;
}

Analysis run_leaks(const Model& m) {
  Analysis a;
  AnalysisContext ctx(m);
  make_request_detector()->run(ctx, a);
  make_resource_leak_detector()->run(ctx, a);
  return a;
}

std::vector<const Finding*> of_kind(const Analysis& a, FindingKind k) {
  std::vector<const Finding*> out;
  for (const Finding& f : a.findings)
    if (f.kind == k) out.push_back(&f);
  return out;
}

// The source lines of a finding's accesses, or of its own location when it has
// none (LogBuilder puts every event at test.py:<line>).
std::vector<int> lines(const Model& m, const Finding& f) {
  std::vector<int> out;
  for (const Access& a : f.accesses) out.push_back(static_cast<int>(m.view(a.event).get_or(kF_py_line, -1)));
  if (f.accesses.empty() && f.where) out.push_back(static_cast<int>(m.view(*f.where).get_or(kF_py_line, -1)));
  return out;
}

void finalize_all(LogBuilder& b, int n, int line = 99) {
  for (int r = 0; r < n; ++r) b.call(r, kCall_Finalize, line);
}

// ---------------- the state machine ----------------

// Requests are kept by id in a table that the interposer's growing ids fill in order; a log whose ids
// do not grow (hand-made, damaged) still finds each one, lists them in id order, and lets a second
// creation of an id replace the first, as a map did.
TEST(RequestTracker, IdsThatDoNotGrowAreFoundAndListedInOrder) {
  LogBuilder b(1);
  const int64_t ids[] = {5, 9, 2, 7, 9, 1};
  for (int k = 0; k < 6; ++k) b.call(0, kCall_Isend, 10 + k).f(kF_new_req, ids[k]);  // events 0-5
  b.call(0, kCall_Wait, 20).a(kF_req, {2}).a(kF_done, {2});                          // 6
  b.call(0, kCall_Wait, 21).a(kF_req, {9}).a(kF_done, {9});                          // 7
  b.call(0, kCall_Finalize, 22);
  Model m = b.build();
  RequestTracker t(m);
  const RankRequests* rr = t.rank(0);
  ASSERT_NE(rr, nullptr);
  std::vector<int64_t> listed;
  for (const RequestRecord& r : rr->requests) listed.push_back(r.id);
  EXPECT_EQ(listed, (std::vector<int64_t>{1, 2, 5, 7, 9}));
  for (int64_t id : {1, 2, 5, 7, 9}) {
    SCOPED_TRACE(id);
    const RequestRecord* r = rr->find(id);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->id, id);
  }
  EXPECT_EQ(rr->find(3), nullptr);
  EXPECT_EQ(rr->find(9)->created.index, 4u);  // the second Isend that made id 9
  EXPECT_EQ(rr->find(2)->completions, 1u);
  EXPECT_EQ(rr->find(9)->completions, 1u);
  EXPECT_EQ(rr->find(5)->completions, 0u);
  EXPECT_TRUE(rr->find(5)->is_active());
}

TEST(RequestTracker, PersistentLifecycleRecordsEveryTransition) {
  LogBuilder b(1);
  b.call(0, kCall_Send_init, 10).f(kF_new_req, 1);                             // 0
  b.call(0, kCall_Start, 11).a(kF_req, {1});                                   // 1
  b.call(0, kCall_Wait, 12).a(kF_req, {1}).a(kF_done, {1});                    // 2
  b.call(0, kCall_Startall, 13).a(kF_reqs, {1});                               // 3
  b.call(0, kCall_Test, 14).a(kF_req, {1}).f(kF_flag, 0).a(kF_done, {});       // 4: not done yet
  b.call(0, kCall_Testall, 15).a(kF_reqs, {1}).f(kF_flag, 1).a(kF_done, {1});  // 5
  b.call(0, kCall_Request_free, 16).a(kF_req, {1});                            // 6
  b.call(0, kCall_Finalize, 17);                                               // 7
  Model m = b.build();
  RequestTracker t(m);
  const RankRequests* rr = t.rank(0);
  ASSERT_NE(rr, nullptr);
  EXPECT_TRUE(rr->issues.empty());
  ASSERT_TRUE(rr->finalize.has_value());
  EXPECT_EQ(rr->finalize->index, 7u);
  const RequestRecord* r = rr->find(1);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->persistent());
  EXPECT_EQ(r->created.index, 0u);
  EXPECT_EQ(r->completions, 2u);
  EXPECT_TRUE(r->started_by(1));
  EXPECT_TRUE(r->started_by(3));
  EXPECT_FALSE(r->started_by(0));  // its creation starts nothing
  ASSERT_TRUE(r->freed.has_value());
  EXPECT_EQ(r->freed->index, 6u);
  ASSERT_EQ(r->active.size(), 2u);
  EXPECT_EQ(r->active[0].start.index, 1u);
  EXPECT_EQ(r->active[0].end()->index, 2u);
  EXPECT_EQ(r->active[1].start.index, 3u);
  EXPECT_EQ(r->active[1].end()->index, 5u);
  EXPECT_FALSE(r->is_active());
  EXPECT_FALSE(r->allocated());
  // Active from the start up to (not including) the completing call.
  EXPECT_FALSE(r->active_at(0));
  EXPECT_TRUE(r->active_at(1));
  EXPECT_FALSE(r->active_at(2));
  EXPECT_TRUE(r->active_at(4));  // the Test with flag 0 did not complete it
  EXPECT_FALSE(r->active_at(5));
  EXPECT_EQ(rr->active_at(4).size(), 1u);
  EXPECT_TRUE(rr->active_at(6).empty());
  EXPECT_TRUE(run_request(m).findings.empty());
}

TEST(RequestTracker, NonblockingRequestIsActiveFromItsCreation) {
  LogBuilder b(1);
  b.call(0, kCall_Irecv, 5).f(kF_new_req, 4);                                     // 0
  b.call(0, kCall_Isend, 6).f(kF_new_req, 5);                                     // 1
  b.call(0, kCall_Waitany, 7).a(kF_reqs, {4, 5}).f(kF_index, 1).a(kF_done, {5});  // 2
  b.call(0, kCall_Waitsome, 8).a(kF_reqs, {4, 0}).a(kF_done, {4});                // 3
  b.call(0, kCall_Finalize, 9);
  Model m = b.build();
  RequestTracker t(m);
  const RankRequests* rr = t.rank(0);
  const RequestRecord* recv = rr->find(4);
  const RequestRecord* send = rr->find(5);
  ASSERT_TRUE(recv && send);
  EXPECT_FALSE(recv->persistent());
  EXPECT_FALSE(recv->started_by(0));  // a nonblocking request's creation is its one activation, no start
  EXPECT_TRUE(recv->active_at(0));
  EXPECT_TRUE(recv->active_at(2));
  EXPECT_FALSE(recv->active_at(3));
  EXPECT_TRUE(send->active_at(1));
  EXPECT_FALSE(send->active_at(2));
  EXPECT_FALSE(recv->allocated());  // a completed nonblocking request is gone
  EXPECT_FALSE(send->allocated());
  EXPECT_TRUE(rr->issues.empty());
  EXPECT_TRUE(run_request(m).findings.empty());
}

TEST(RequestTracker, EveryCompletionCallCompletesWhatItListsInDone) {
  for (CallId c : {kCall_Wait, kCall_Waitall, kCall_Waitany, kCall_Waitsome, kCall_Test, kCall_Testall, kCall_Testany,
                   kCall_Testsome}) {
    LogBuilder b(1);
    b.call(0, kCall_Send_init, 3).f(kF_new_req, 1);
    b.call(0, kCall_Start, 4).a(kF_req, {1});
    b.call(0, kCall_Cancel, 5).a(kF_req, {1});  // changes nothing by itself: the request must still be completed
    b.call(0, c, 6).a(c == kCall_Wait || c == kCall_Test ? kF_req : kF_reqs, {1}).f(kF_flag, 1).a(kF_done, {1});
    b.call(0, kCall_Request_free, 7).a(kF_req, {1});
    b.call(0, kCall_Finalize, 8);
    Model m = b.build();
    EXPECT_TRUE((call_traits(c).role == CallRole::kCompleteRequests));
    RequestTracker t(m);
    const RequestRecord* r = t.rank(0)->find(1);
    ASSERT_EQ(r->active.size(), 1u) << call_name(c);
    ASSERT_TRUE(r->active[0].end().has_value()) << call_name(c);
    EXPECT_EQ(r->active[0].end()->index, 3u) << call_name(c);
    EXPECT_TRUE(run_request(m).findings.empty()) << call_name(c);
  }
  EXPECT_FALSE((call_traits(kCall_Start).role == CallRole::kCompleteRequests));
  EXPECT_FALSE((call_traits(kCall_Request_free).role == CallRole::kCompleteRequests));
}

TEST(RequestTracker, EveryPersistentInitCallMakesAPersistentRequest) {
  for (CallId c : {kCall_Send_init, kCall_Bsend_init, kCall_Ssend_init, kCall_Rsend_init, kCall_Recv_init})
    EXPECT_TRUE(call_traits(c).makes_persistent_request()) << call_name(c);
  for (CallId c : {kCall_Isend, kCall_Irecv, kCall_Rput, kCall_Rget, kCall_Raccumulate, kCall_Rget_accumulate,
                   kCall_Ibarrier, kCall_Ibcast, kCall_Iallreduce, kCall_Imrecv, kCall_Init, kCall_Init_thread})
    EXPECT_FALSE(call_traits(c).makes_persistent_request()) << call_name(c);
}

TEST(RequestTracker, FailedStartActivatesNothing) {
  LogBuilder b(1);
  b.call(0, kCall_Recv_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Start, 4).a(kF_req, {1}).rc(kErrRequest);
  b.call(0, kCall_Request_free, 5).a(kF_req, {1});
  b.call(0, kCall_Finalize, 6);
  Model m = b.build();
  RequestTracker t(m);
  const RequestRecord* r = t.rank(0)->find(1);
  EXPECT_TRUE(r->active.empty());
  EXPECT_TRUE(t.rank(0)->issues.empty());
  EXPECT_TRUE(run_request(m).findings.empty());
}

TEST(RequestTracker, UnknownRequestIdsAreIgnored) {
  LogBuilder b(1);
  b.call(0, kCall_Start, 4).a(kF_req, {42});
  b.call(0, kCall_Wait, 5).a(kF_req, {42}).a(kF_done, {42});
  b.call(0, kCall_Waitall, 6).a(kF_reqs, {0, 0}).a(kF_done, {});  // MPI_REQUEST_NULLs are legal here
  b.call(0, kCall_Request_free, 7).a(kF_req, {42});
  b.call(0, kCall_Finalize, 8);
  Model m = b.build();
  EXPECT_TRUE(run_request(m).findings.empty());
}

// ---------------- request-leak ----------------

TEST(RequestDetector, PersistentRequestNeverFreedLeaksAtItsCreation) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) {
    b.call(r, kCall_Send_init, 21).f(kF_new_req, 1);
    b.call(r, kCall_Recv_init, 22).f(kF_new_req, 2);
    b.call(r, kCall_Startall, 26).a(kF_reqs, {2, 1});
    b.call(r, kCall_Waitall, 27).a(kF_reqs, {2, 1}).a(kF_done, {2, 1});
  }
  finalize_all(b, 2);
  Model m = b.build();
  Analysis a = run_request(m);
  auto leaks = of_kind(a, kKind_request_leak);
  ASSERT_EQ(leaks.size(), 4u);  // one per rank and request
  EXPECT_EQ(a.findings.size(), 4u);
  EXPECT_NE(leaks[0]->message.find("MPI_Send_init"), std::string::npos) << leaks[0]->message;
  EXPECT_NE(leaks[0]->message.find("MPI_Request_free"), std::string::npos);
  EXPECT_EQ(lines(m, *leaks[0]), std::vector<int>{21});
  EXPECT_EQ(lines(m, *leaks[1]), std::vector<int>{22});

  // The report merges them into one finding per creation site, with the ranks and a count.
  nlohmann::json report = build_report(m, a);
  ASSERT_EQ(report["findings"].size(), 2u);
  for (const auto& f : report["findings"]) {
    EXPECT_EQ(f["kind"], "request-leak");
    EXPECT_EQ(f["severity"], "error");
    EXPECT_EQ(f["count"], 2);
    EXPECT_EQ(f["ranks"], nlohmann::json({0, 1}));
  }
  EXPECT_EQ(report["findings"][0]["location"]["line"], 21);
  EXPECT_EQ(report["findings"][1]["location"]["line"], 22);
  EXPECT_EQ(report_exit_status(report), 1);
}

TEST(RequestDetector, NonblockingRequestNeverCompletedLeaks) {
  LogBuilder b(1);
  b.call(0, kCall_Isend, 10).f(kF_new_req, 1);     // never completed
  b.call(0, kCall_Rput, 11).f(kF_new_req, 2);      // completed
  b.call(0, kCall_Ibarrier, 12).f(kF_new_req, 3);  // never completed
  b.call(0, kCall_Wait, 13).a(kF_req, {2}).a(kF_done, {2});
  b.call(0, kCall_Test, 14).a(kF_req, {3}).f(kF_flag, 0).a(kF_done, {});
  b.call(0, kCall_Finalize, 15);
  Model m = b.build();
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 2u);
  EXPECT_EQ(a.findings[0].kind, kKind_request_leak);
  EXPECT_EQ(lines(m, a.findings[0]), std::vector<int>{10});
  EXPECT_NE(a.findings[0].message.find("MPI_Isend"), std::string::npos);
  EXPECT_NE(a.findings[0].message.find("never completed"), std::string::npos);
  EXPECT_EQ(lines(m, a.findings[1]), std::vector<int>{12});
}

// ---------------- request-misuse ----------------

TEST(RequestDetector, StartOnAnActiveRequest) {
  LogBuilder b(1);
  b.call(0, kCall_Recv_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Start, 4).a(kF_req, {1});
  b.call(0, kCall_Start, 5).a(kF_req, {1});  // still active
  b.call(0, kCall_Wait, 6).a(kF_req, {1}).a(kF_done, {1});
  b.call(0, kCall_Request_free, 7).a(kF_req, {1});
  b.call(0, kCall_Finalize, 8);
  Model m = b.build();
  RequestTracker t(m);
  ASSERT_EQ(t.rank(0)->issues.size(), 1u);
  EXPECT_EQ(t.rank(0)->issues[0].kind, RequestIssueKind::kStartActive);
  // The restart does not open a second interval: one activation, from the first start to the wait.
  const RequestRecord* r = t.rank(0)->find(1);
  ASSERT_EQ(r->active.size(), 1u);
  EXPECT_EQ(r->active[0].start.index, 1u);
  EXPECT_EQ(r->active[0].end()->index, 3u);
  EXPECT_FALSE(r->lost);  // the Wait named it again

  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{5, 4}));
  EXPECT_NE(a.findings[0].message.find("still active"), std::string::npos) << a.findings[0].message;
}

TEST(RequestDetector, StartOnActiveRequestWhoseHandleTheLibraryReplacedIsReportedOnce) {
  // Open MPI answers a Start on an active request with a new request object:
  // the later calls carry an id the interposer does not know (0).
  LogBuilder b(1);
  b.call(0, kCall_Send_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Start, 4).a(kF_req, {1});
  b.call(0, kCall_Startall, 5).a(kF_reqs, {1});
  b.call(0, kCall_Wait, 6).a(kF_req, {0}).a(kF_done, {});
  b.call(0, kCall_Request_free, 7).a(kF_req, {0});
  b.call(0, kCall_Finalize, 8);
  Model m = b.build();
  RequestTracker t(m);
  EXPECT_TRUE(t.rank(0)->find(1)->lost);
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 1u) << a.findings.back().message;  // no missing wait, no leak on top
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{5, 4}));
}

TEST(RequestDetector, StartOnANonblockingRequest) {
  LogBuilder b(1);
  b.call(0, kCall_Isend, 3).f(kF_new_req, 1);
  b.call(0, kCall_Start, 4).a(kF_req, {1});
  b.call(0, kCall_Wait, 5).a(kF_req, {1}).a(kF_done, {1});
  b.call(0, kCall_Finalize, 6);
  Model m = b.build();
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{4, 3}));
  EXPECT_NE(a.findings[0].message.find("only persistent"), std::string::npos) << a.findings[0].message;
}

TEST(RequestDetector, MissingWaitAtFinalize) {
  LogBuilder b(1);
  b.call(0, kCall_Send_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Start, 4).a(kF_req, {1});
  b.call(0, kCall_Wait, 5).a(kF_req, {1}).a(kF_done, {1});
  b.call(0, kCall_Start, 6).a(kF_req, {1});  // never completed
  b.call(0, kCall_Finalize, 9);
  Model m = b.build();
  Analysis a = run_request(m);
  auto misuse = of_kind(a, kKind_request_misuse);
  ASSERT_EQ(misuse.size(), 1u);
  EXPECT_EQ(lines(m, *misuse[0]), (std::vector<int>{6, 9}));  // the Start, then the Finalize
  EXPECT_EQ(m.event(misuse[0]->accesses[1].event).call, kCall_Finalize);
  EXPECT_NE(misuse[0]->message.find("never completed"), std::string::npos) << misuse[0]->message;
  // Still allocated as well: the leak is reported at the creation.
  auto leaks = of_kind(a, kKind_request_leak);
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(lines(m, *leaks[0]), std::vector<int>{3});
}

TEST(RequestDetector, MissingStart) {
  LogBuilder b(1);
  b.call(0, kCall_Recv_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Send_init, 4).f(kF_new_req, 2);
  b.call(0, kCall_Start, 5).a(kF_req, {2});
  b.call(0, kCall_Waitall, 6).a(kF_reqs, {1, 2}).a(kF_done, {1, 2});  // 1 was never started
  b.call(0, kCall_Request_free, 7).a(kF_req, {1});
  b.call(0, kCall_Request_free, 8).a(kF_req, {2});
  b.call(0, kCall_Finalize, 9);
  Model m = b.build();
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{6, 3}));  // the wait, then the creation
  EXPECT_NE(a.findings[0].message.find("never started"), std::string::npos) << a.findings[0].message;
}

TEST(RequestDetector, WaitingAgainOnACompletedPersistentRequestIsLegal) {
  LogBuilder b(1);
  b.call(0, kCall_Recv_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Start, 4).a(kF_req, {1});
  b.call(0, kCall_Wait, 5).a(kF_req, {1}).a(kF_done, {1});
  b.call(0, kCall_Wait, 6).a(kF_req, {1}).a(kF_done, {1});  // inactive: returns at once
  // Waitany skips inactive requests: nothing completes, nothing is wrong.
  b.call(0, kCall_Recv_init, 7).f(kF_new_req, 2);
  b.call(0, kCall_Waitany, 8).a(kF_reqs, {1, 2}).f(kF_index, -32766).a(kF_done, {});
  b.call(0, kCall_Request_free, 9).a(kF_req, {1});
  b.call(0, kCall_Request_free, 10).a(kF_req, {2});
  b.call(0, kCall_Finalize, 11);
  Model m = b.build();
  EXPECT_TRUE(run_request(m).findings.empty());
}

TEST(RequestDetector, UseAfterFree) {
  LogBuilder b(1);
  b.call(0, kCall_Send_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Request_free, 4).a(kF_req, {1});
  b.call(0, kCall_Start, 5).a(kF_req, {1});
  b.call(0, kCall_Waitall, 6).a(kF_reqs, {1}).a(kF_done, {1});
  b.call(0, kCall_Cancel, 7).a(kF_req, {1});
  b.call(0, kCall_Request_free, 8).a(kF_req, {1});
  b.call(0, kCall_Finalize, 9);
  Model m = b.build();
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 4u);
  std::vector<int> uses;
  for (const Finding& f : a.findings) {
    EXPECT_EQ(f.kind, kKind_request_misuse);
    ASSERT_EQ(f.accesses.size(), 2u);
    EXPECT_EQ(m.event(f.accesses[1].event).call, kCall_Request_free);
    EXPECT_EQ(lines(m, f)[1], 4);  // the free
    uses.push_back(lines(m, f)[0]);
    EXPECT_NE(f.message.find("already freed"), std::string::npos) << f.message;
  }
  EXPECT_EQ(uses, (std::vector<int>{5, 6, 7, 8}));
}

TEST(RequestDetector, StartOrFreeOfANullRequestThatMpiRejected) {
  LogBuilder b(1);
  b.call(0, kCall_Start, 5).a(kF_req, {0}).rc(kErrRequest);
  b.call(0, kCall_Startall, 6).a(kF_reqs, {0, 0}).rc(kErrRequest);
  b.call(0, kCall_Request_free, 7).a(kF_req, {0}).rc(kErrRequest);
  b.call(0, kCall_Start, 8).a(kF_req, {0});  // accepted: an unknown but valid handle
  b.call(0, kCall_Finalize, 9);
  Model m = b.build();
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 3u);
  for (const Finding& f : a.findings) {
    EXPECT_EQ(f.kind, kKind_request_misuse);
    EXPECT_NE(f.message.find("MPI_REQUEST_NULL"), std::string::npos) << f.message;
  }
  EXPECT_EQ(lines(m, a.findings[2]), std::vector<int>{7});
}

TEST(RequestDetector, StartOnANullRequestThatKilledTheRank) {
  LogBuilder b(1);
  b.call(0, kCall_Start, 5).a(kF_req, {0}).unreturned();  // MPI_ERRORS_ARE_FATAL aborted inside the call
  Model m = b.build();
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_NE(a.findings[0].message.find("aborted"), std::string::npos) << a.findings[0].message;
}

// ---------------- request-free-active ----------------

TEST(RequestDetector, FreeOfAnActiveRequest) {
  LogBuilder b(1);
  b.call(0, kCall_Send_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Start, 4).a(kF_req, {1});         // 1
  b.call(0, kCall_Request_free, 5).a(kF_req, {1});  // 2
  b.call(0, kCall_Isend, 6).f(kF_new_req, 2);       // 3
  b.call(0, kCall_Request_free, 7).a(kF_req, {2});  // 4
  b.call(0, kCall_Finalize, 8);                     // 5
  Model m = b.build();
  RequestTracker t(m);
  const RequestRecord* r = t.rank(0)->find(1);
  EXPECT_FALSE(r->allocated());
  EXPECT_FALSE(r->is_active());
  EXPECT_TRUE(r->active_at(5));  // its completion is never known: the buffer stays in use
  Analysis a = run_request(m);
  ASSERT_EQ(a.findings.size(), 2u);  // no leak, no second missing wait at Finalize
  // A started persistent request freed without completion is a missing wait (an error) ...
  EXPECT_EQ(a.findings[0].kind, kKind_request_misuse);
  EXPECT_EQ(a.findings[0].code, kCode_missing_wait);
  EXPECT_EQ(lines(m, a.findings[0]), (std::vector<int>{5, 4}));
  // ... an active nonblocking one freed is legal: a warning.
  EXPECT_EQ(a.findings[1].kind, kKind_request_free_active);
  EXPECT_EQ(lines(m, a.findings[1]), (std::vector<int>{7, 6}));
  nlohmann::json report = build_report(m, a);
  EXPECT_EQ(report["summary"]["warnings"], 1);
  EXPECT_EQ(report["summary"]["errors"], 1);
  EXPECT_EQ(report_exit_status(report), 1);
}

// ---------------- ranks that did not reach MPI_Finalize ----------------

TEST(RequestDetector, NoLeakFindingsForRanksThatDidNotReachFinalize) {
  LogBuilder b(3);
  for (int r = 0; r < 3; ++r) {
    b.call(r, kCall_Send_init, 3).f(kF_new_req, 1);
    b.call(r, kCall_Start, 4).a(kF_req, {1});
  }
  b.call(0, kCall_Finalize, 9);
  b.call(1, kCall_Abort, 6).f(kF_comm, 1).f(kF_error_code, 2).unreturned();
  b.unfinished(2);
  Model m = b.build();
  Analysis a = run_leaks(m);
  for (const Finding& f : a.findings) {
    for (const Access& x : f.accesses) EXPECT_EQ(x.event.rank, 0) << f.message;
    if (f.where) EXPECT_EQ(f.where->rank, 0) << f.message;
  }
  EXPECT_EQ(of_kind(a, kKind_request_leak).size(), 1u);
  EXPECT_EQ(of_kind(a, kKind_request_misuse).size(), 1u);  // missing wait, rank 0 only
  ASSERT_EQ(a.notes.size(), 1u);                           // both leak detectors, one note
  const std::string& n = a.notes[0];
  EXPECT_NE(n.find("skipped for ranks 1,2"), std::string::npos) << n;
  EXPECT_NE(n.find("rank 1: called MPI_Abort"), std::string::npos) << n;
  EXPECT_NE(n.find("rank 2: killed after rank 1 called MPI_Abort"), std::string::npos) << n;
}

TEST(RequestDetector, NoteNamesTheTimeout) {
  LogBuilder b(2);
  b.call(0, kCall_Isend, 3).f(kF_new_req, 1);
  b.call(0, kCall_Barrier, 4).f(kF_comm, 1).unreturned();
  b.call(1, kCall_Finalize, 5);
  b.timed_out(10);
  Model m = b.build();
  LeakScope s = leak_scope(m);
  EXPECT_TRUE(s.reached(1));
  EXPECT_FALSE(s.reached(0));
  EXPECT_EQ(s.skipped, std::vector<int>{0});
  EXPECT_NE(leak_note(s).find("rank 0: stopped by --timeout"), std::string::npos) << leak_note(s);
  Analysis a = run_leaks(m);
  EXPECT_TRUE(a.findings.empty());
  EXPECT_EQ(a.notes.size(), 1u);
}

TEST(RequestDetector, NoteNamesTheCallARankDiedIn) {
  LogBuilder b(2);
  b.call(0, kCall_Startall, 3).a(kF_reqs, {0}).unreturned();  // MPI_ERRORS_ARE_FATAL
  b.call(1, kCall_Barrier, 4).f(kF_comm, 1);
  b.unfinished(1);
  Model m = b.build();
  LeakScope s = leak_scope(m);
  EXPECT_EQ(s.skipped, (std::vector<int>{0, 1}));
  EXPECT_NE(leak_note(s).find("rank 0: died inside MPI_Startall"), std::string::npos) << leak_note(s);
  EXPECT_NE(leak_note(s).find("rank 1: ended without MPI_Finalize"), std::string::npos) << leak_note(s);
}

TEST(RequestDetector, ARankStuckInFinalizeStillGetsLeakChecks) {
  LogBuilder b(1);
  b.call(0, kCall_Send_init, 3).f(kF_new_req, 1);
  b.call(0, kCall_Finalize, 4).unreturned();
  Model m = b.build();
  Analysis a = run_leaks(m);
  EXPECT_EQ(of_kind(a, kKind_request_leak).size(), 1u);
  EXPECT_TRUE(a.notes.empty());
}

// ---------------- resource-leak ----------------

TEST(ResourceLeakDetector, EveryKindOfObjectNotFreedAtFinalize) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) {
    b.call(r, kCall_Win_create, 10).f(kF_new_win, 7).a(kF_members, {0, 1}).f(kF_win_flavor, kWinCreate);
    b.call(r, kCall_Type_vector, 11).f(kF_new_type, 1000);
    b.call(r, kCall_Type_commit, 12).f(kF_type, 1000);
    b.call(r, kCall_Comm_split, 13).f(kF_comm, 1).f(kF_new_comm, 555).a(kF_members, {0, 1});
    b.call(r, kCall_Comm_group, 14).f(kF_comm, 1).f(kF_new_group, 1).a(kF_members, {0, 1});
    b.call(r, kCall_Group_incl, 15).f(kF_new_group, 2).a(kF_members, {0});
    b.call(r, kCall_Op_create, 16).f(kF_commute, 1).f(kF_new_op, 1000);
  }
  finalize_all(b, 2);
  Model m = b.build();
  Analysis a = run_leaks(m);
  ASSERT_EQ(a.findings.size(), 12u);  // 6 objects on each of 2 ranks
  std::set<int> at;
  for (const Finding& f : a.findings) {
    EXPECT_EQ(f.kind, kKind_resource_leak);
    EXPECT_TRUE(f.accesses.empty());
    ASSERT_TRUE(f.where.has_value());
    at.insert(lines(m, f)[0]);
  }
  EXPECT_EQ(at, (std::set<int>{10, 11, 13, 14, 15, 16}));
  const Finding* win = nullptr;
  for (const Finding& f : a.findings)
    if (lines(m, f)[0] == 10) win = &f;
  ASSERT_NE(win, nullptr);
  EXPECT_EQ(win->window, "win#0");
  EXPECT_NE(win->message.find("MPI_Win_free"), std::string::npos) << win->message;
  nlohmann::json report = build_report(m, a);
  EXPECT_EQ(report["findings"].size(), 6u);
  EXPECT_EQ(report["findings"][0]["count"], 2);
  EXPECT_EQ(report["summary"]["warnings"], 6);
  EXPECT_EQ(report_exit_status(report), 0);  // warnings only
}

TEST(ResourceLeakDetector, FreedObjectsAreClean) {
  LogBuilder b(1);
  b.call(0, kCall_Win_allocate, 10).f(kF_new_win, 7).a(kF_members, {0}).f(kF_win_flavor, kWinAllocate);
  b.call(0, kCall_Type_contiguous, 11).f(kF_new_type, 1000);
  b.call(0, kCall_Type_create_struct, 12).f(kF_new_type, 1001);
  b.call(0, kCall_Comm_dup, 13).f(kF_comm, 1).f(kF_new_comm, 555).a(kF_members, {0});
  b.call(0, kCall_Win_get_group, 14).f(kF_win, 7).f(kF_new_group, 1).a(kF_members, {0});
  b.call(0, kCall_Op_create, 15).f(kF_new_op, 1000);
  b.call(0, kCall_Op_free, 20).f(kF_op, 1000);
  b.call(0, kCall_Group_free, 21).f(kF_group_id, 1);
  b.call(0, kCall_Comm_free, 22).f(kF_comm, 555);
  b.call(0, kCall_Type_free, 23).f(kF_type, 1001);
  b.call(0, kCall_Type_free, 24).f(kF_type, 1000);
  b.call(0, kCall_Win_free, 25).f(kF_win, 7);
  b.call(0, kCall_Finalize, 26);
  Model m = b.build();
  EXPECT_TRUE(run_leaks(m).findings.empty());
}

TEST(ResourceLeakDetector, AFailedFreeFreesNothing) {
  LogBuilder b(1);
  b.call(0, kCall_Comm_dup, 13).f(kF_comm, 1).f(kF_new_comm, 555).a(kF_members, {0});
  b.call(0, kCall_Comm_free, 22).f(kF_comm, 555).rc(5);
  b.call(0, kCall_Finalize, 26);
  Model m = b.build();
  Analysis a = run_leaks(m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_NE(a.findings[0].message.find("communicator created by MPI_Comm_dup"), std::string::npos)
      << a.findings[0].message;
}

TEST(ResourceLeakDetector, ObjectsMpi4pyMadeItselfAreNotTheUsersLeak) {
  LogBuilder b(1);
  b.call(0, kCall_Init_thread, 1);
  b.call(0, kCall_Comm_dup, 2).f(kF_comm, 1).f(kF_new_comm, 555).a(kF_members, {0});  // made by mpi4py
  b.call(0, kCall_Type_dup, 3).f(kF_new_type, 1000);                                  // made by the script
  b.call(0, kCall_Isend, 4).f(kF_new_req, 1);                                         // made by mpi4py
  b.call(0, kCall_Finalize, 5);
  Model m = b.build();
  // Drop the Python location of events 1 and 3, as for calls mpi4py makes outside the script.
  RankLog& log = m.logs[0];
  for (uint32_t i : {1u, 3u}) log.pool.erase(log.events[i], kF_py_file);
  Mpi4pyFilter filter(m);
  EXPECT_TRUE(filter.internal({0, 1}));
  EXPECT_FALSE(filter.internal({0, 2}));
  Analysis a = run_leaks(m);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(lines(m, a.findings[0]), std::vector<int>{3});
}

TEST(ResourceLeakDetector, TheCommunicatorMpi4pyDuplicatesForItsPickledCollectivesIsNotALeak) {
  // d = comm.Dup()            (line 3, never freed: the user's leak)
  // x = d.allreduce(1)        (line 4: mpi4py dups d and uses the dup at once)
  // e = comm.Dup()            (line 5)
  // y = e.allreduce(1)        (line 6: the same; its dup is freed inside e.Free(), unlogged)
  // e.Free()                  (line 7)
  LogBuilder b(1);
  b.call(0, kCall_Init_thread, 1);
  b.call(0, kCall_Comm_dup, 3).f(kF_comm, 1).f(kF_new_comm, 100).a(kF_members, {0});
  b.call(0, kCall_Comm_dup, 4).f(kF_comm, 100).f(kF_new_comm, 101).a(kF_members, {0});
  b.call(0, kCall_Allreduce, 4).f(kF_comm, 101).f(kF_op, kOp_MPI_SUM);
  b.call(0, kCall_Comm_dup, 5).f(kF_comm, 1).f(kF_new_comm, 200).a(kF_members, {0});
  b.call(0, kCall_Comm_dup, 6).f(kF_comm, 200).f(kF_new_comm, 201).a(kF_members, {0});
  b.call(0, kCall_Bcast, 6).f(kF_comm, 201).f(kF_root, 0);
  b.call(0, kCall_Comm_free, 7).f(kF_comm, 200);
  b.call(0, kCall_Comm_dup, 8).f(kF_comm, 1).f(kF_new_comm, 300).a(kF_members, {0});  // the user's dup,
  b.call(0, kCall_Barrier, 9).f(kF_comm, 300);                                        // used on the next line
  b.call(0, kCall_Finalize, 10);
  Model m = b.build();
  Mpi4pyFilter filter(m);
  EXPECT_FALSE(filter.internal({0, 1}));
  EXPECT_TRUE(filter.internal({0, 2}));
  EXPECT_TRUE(filter.internal({0, 5}));
  EXPECT_FALSE(filter.internal({0, 8}));
  Analysis a = run_leaks(m);
  std::vector<int> at;
  for (const Finding& f : a.findings) at.push_back(lines(m, f)[0]);
  EXPECT_EQ(at, (std::vector<int>{3, 8}));
}

TEST(ResourceLeakDetector, CProgramsHaveNoMpi4pyExemption) {
  LogBuilder b(1);
  b.call(0, kCall_Comm_dup, 2).f(kF_comm, 1).f(kF_new_comm, 555).a(kF_members, {0});
  b.call(0, kCall_Finalize, 5);
  Model m = b.build();
  // No event has a Python location: a C program.
  RankLog& log = m.logs[0];
  for (Event& e : log.events) log.pool.erase(e, kF_py_file);
  EXPECT_FALSE(Mpi4pyFilter(m).internal({0, 0}));
  EXPECT_EQ(run_leaks(m).findings.size(), 1u);
}

}  // namespace
}  // namespace rmacheck
