// Builds analyzer models from hand-written event streams, for unit tests of
// detectors and the model without running MPI.
//
//   LogBuilder b(3);                                  // 3 ranks
//   b.call(0, kCall_Win_create, 10).f(kF_new_win, 1).a(kF_members, {0, 1, 2});
//   b.call(1, kCall_Win_fence, 12).f(kF_win, 1).unreturned();
//   Model m = b.build();
//
// Every event gets the location test.py:<line> (as a Python call site).
// Ranks finish (END record) unless unfinished(rank) is called.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "model/model.h"

namespace rmacheck {

class LogBuilder;

class EventBuilder {
 public:
  EventBuilder(LogBuilder& b, int rank, uint32_t index) : b_(b), rank_(rank), index_(index) {}
  EventBuilder& f(FieldId f, int64_t v);                    // scalar field
  EventBuilder& a(FieldId f, std::vector<int64_t> values);  // array field
  EventBuilder& unreturned();                               // still inside the call at the end of the log
  EventBuilder& rc(int64_t code);
  EventBuilder& at(int64_t t_enter,
                   int64_t t_exit);  // the call's clock readings (default: one tick each, in order of building)
  EventBuilder& thread(int64_t id);  // the calling thread (default 0)
  EventRef ref() const { return {rank_, index_}; }

 private:
  LogBuilder& b_;
  int rank_;
  uint32_t index_;
};

class LogBuilder {
 public:
  explicit LogBuilder(int world_size);
  EventBuilder call(int rank, CallId call, int line);
  void unfinished(int rank);
  // A datatype layout on a rank: blocks of (offset, length, basic code).
  void type(int rank, int64_t id, int64_t size, int64_t extent, std::vector<TypeBlockRec> blocks, int32_t basic = -1);
  void timed_out(double seconds);
  // Window `win` created at `line` by every rank, each with the same base, size and disp_unit.
  void window_on_every_rank(int64_t win, int64_t flavor, int64_t base, int64_t size, int64_t disp_unit, int line);
  // A predefined datatype of one basic element (its id is its basic code) known to `rank`.
  void basic_type(int rank, int64_t code, int64_t size) {
    type(rank, code, size, size, {{0, size, static_cast<int32_t>(code)}}, static_cast<int32_t>(code));
  }
  // A key=value line of a rank's log header (tag_ub, thread_level, ...).
  void header(int rank, const std::string& key, const std::string& value) { logs_.at(rank).header[key] = value; }
  // What run.json says (exit status, launcher messages, interruption); present once touched.
  RunMeta& meta() {
    meta_.present = true;
    return meta_;
  }
  Model build();
  // Event `to` shares event `from`'s field run (same rank), as the reader lets the calls of a loop share one.
  static void share_fields(Model& m, EventRef from, EventRef to);

 private:
  friend class EventBuilder;
  std::vector<RankLog> logs_;
  RunMeta meta_;
  int64_t clock_ = 1000;
};

}  // namespace rmacheck
