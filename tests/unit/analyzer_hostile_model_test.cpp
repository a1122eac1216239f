// The model and the detectors on numbers no MPI run logs but a damaged or
// crafted log can: window records whose arrays disagree, counts,
// displacements and extents at the edge of 64 bits (model/checked_math.h).
// Each case once crashed, overflowed (UBSan) or ran for hours.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "detectors/detector.h"
#include "log_builder.h"
#include "model/checked_math.h"
#include "model/happens_before.h"
#include "model/memory_accesses.h"
#include "model/request_tracker.h"

namespace rmacheck {
namespace {

int32_t basic(const char* name) {
  static const char* const names[] = {
#define RMACHECK_BASIC_TYPE(handle, n) n,
#include "basic_types.def"
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (!std::strcmp(names[i], name)) return static_cast<int32_t>(i);
  ADD_FAILURE() << "no basic type " << name;
  return -1;
}

constexpr int64_t kWin = 7;

// Both ranks create window kWin with the arrays given, then rank 0 Puts under lock_all.
LogBuilder window_run(std::vector<int64_t> members, std::vector<int64_t> bases, std::vector<int64_t> sizes,
                      std::vector<int64_t> units) {
  LogBuilder b(2);
  for (int r = 0; r < 2; ++r) {
    b.type(r, basic("MPI_INT"), 4, 4, {{0, 4, basic("MPI_INT")}}, basic("MPI_INT"));
    b.call(r, kCall_Win_allocate, 2)
        .f(kF_new_win, kWin)
        .a(kF_members, members)
        .a(kF_win_bases, bases)
        .a(kF_win_sizes, sizes)
        .a(kF_win_units, units);
    b.call(r, kCall_Win_lock_all, 3).f(kF_win, kWin);
  }
  return b;
}

EventBuilder put(LogBuilder& b, int64_t target, int line, int64_t disp, int64_t count, int64_t type) {
  return b.call(0, kCall_Put, line)
      .f(kF_win, kWin)
      .f(kF_target, target)
      .f(kF_disp, disp)
      .f(kF_target_count, count)
      .f(kF_target_type, type)
      .f(kF_origin_count, 1)
      .f(kF_origin_type, basic("MPI_INT"))
      .f(kF_origin_addr, 0x9000);
}

void finish(LogBuilder& b) {
  for (int r = 0; r < 2; ++r) b.call(r, kCall_Win_unlock_all, 20).f(kF_win, kWin);
}

TEST(CheckedMath, SaysWhenTheResultDoesNotFit) {
  EXPECT_EQ(checked_add(INT64_MAX, 1), std::nullopt);
  EXPECT_EQ(checked_sub(INT64_MIN, 1), std::nullopt);
  EXPECT_EQ(checked_mul(INT64_MAX / 2 + 1, 2), std::nullopt);
  EXPECT_EQ(checked_mul_add(4096, 1000, 8), std::optional<int64_t>(12096));
  EXPECT_EQ(checked_mul_add(0, INT64_MIN, -1), std::nullopt);
  EXPECT_TRUE(product_at_most(1 << 16, 1, 1 << 16));
  EXPECT_FALSE(product_at_most(uint64_t{1} << 62, 4, 1 << 16));  // 2^64 wraps to 0 in a plain product
}

// Fewer displacement units than bases once made memory_accesses.cpp read past the units.
TEST(HostileModel, WindowRecordWithFewerUnitsThanBases) {
  LogBuilder b = window_run({0, 1}, {0x10000, 0x20000}, {64, 64}, {4});
  put(b, 1, 5, 2, 1, basic("MPI_INT"));
  finish(b);
  Model m = b.build();
  const WindowModel& w = m.windows.at(kWin);
  EXPECT_EQ(w.members.size(), 2u);
  EXPECT_EQ(w.units.size(), 2u);
  EXPECT_EQ(w.bases.size(), 2u);
  EXPECT_EQ(w.sizes.size(), 2u);
  run_detectors(m);
}

// Members that are no rank of the run are dropped with their geometry.
TEST(HostileModel, WindowMemberOutsideTheRunIsDropped) {
  LogBuilder b = window_run({0, 99, 1}, {0x10000, 0x30000, 0x20000}, {64, 64, 64}, {4, 4, 4});
  put(b, 1, 5, 2, 1, basic("MPI_INT"));
  finish(b);
  Model m = b.build();
  const WindowModel& w = m.windows.at(kWin);
  EXPECT_EQ(w.members, (std::vector<int>{0, 1}));
  EXPECT_EQ(w.bases, (std::vector<int64_t>{0x10000, 0x20000}));
  run_detectors(m);
}

// (count - 1) * extent wrapped to a small number: once an access "inside" the window.
TEST(HostileModel, CountTimesExtentPast64BitsIsOutOfTheWindow) {
  LogBuilder b = window_run({0, 1}, {0x10000, 0x20000}, {64, 64}, {4, 4});
  put(b, 1, 5, 0, (int64_t{1} << 62) + 1, basic("MPI_INT"));
  put(b, 1, 6, INT64_MAX / 2, 1, basic("MPI_INT"));  // disp x unit overflows
  finish(b);
  Model m = b.build();
  Analysis a = run_detectors(m);
  int out_of_window = 0;
  for (const Finding& f : a.findings) out_of_window += f.kind == kKind_invalid_rma_arg;
  EXPECT_EQ(out_of_window, 2);
}

// target_count x the type's block count wrapped past the block cap: 2^62 iterations before.
TEST(HostileModel, HugeCountOfAManyBlockTypeIsOneSpan) {
  LogBuilder b = window_run({0, 1}, {0x10000, 0x20000}, {64, 64}, {4, 4});
  for (int r = 0; r < 2; ++r)
    b.type(r, 1000, 16, 16,
           {{0, 4, basic("MPI_INT")}, {4, 4, basic("MPI_INT")}, {8, 4, basic("MPI_INT")}, {12, 4, basic("MPI_INT")}});
  put(b, 1, 5, 0, int64_t{1} << 62, 1000);
  finish(b);
  Model m = b.build();
  RequestTracker requests(m);
  const HappensBefore hb(m, requests);
  AccessStream stream(m, requests, hb);  // returns at once
  size_t n = 0;
  for (MemAccess a; stream.next(a);) ++n;
  EXPECT_LE(n, 4u);
}

}  // namespace
}  // namespace rmacheck
