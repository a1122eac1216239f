// The log reader on real logs: written by the interposer's own LogWriter and
// RecordBuffer (no MPI needed), then read back with read_rank_log /
// load_model, intact and damaged in every way a run can leave them.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "detectors/detector.h"
#include "log/log_reader.h"
#include "log/symbolizer.h"
#include "log_writer.h"
#include "model/model.h"
#include "record_buffer.h"
#include "report/report.h"

namespace rmacheck {
namespace {

// A fresh temporary directory, removed with its files at the end of the test.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/rmacheck-log-reader-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    for (const std::string& f : files_) ::unlink(f.c_str());
    ::rmdir(path_.c_str());
  }
  std::string file(const std::string& name) {
    files_.push_back(path_ + "/" + name);
    return files_.back();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Writes records through the real LogWriter, the way the interposer does.
class Writer {
 public:
  // extra: more header lines ("run_id=...\n").
  Writer(const std::string& path, int rank, int size, const std::string& extra = "") {
    std::string error;
    ok_ = log_.open(path, "rank=" + std::to_string(rank) + "\nsize=" + std::to_string(size) + "\npid=4242\n" + extra,
                    error);
    EXPECT_TRUE(ok_) << path << ": " << error;
  }
  bool ok() const { return ok_; }

  // Every record of a call id names one template slot here (the interposer's depend on the call site too).
  static unsigned slot_of(CallId call) { return 1 + static_cast<unsigned>(call) % (kTemplateSlots - 1); }
  // CALL record (exit word zero): call, thread, seq, time, then whatever fields `fill` adds.
  template <class F>
  void enter(CallId call, int64_t seq, int64_t t, F fill, int64_t thread = 0, unsigned slot = 0) {
    Thread& th = threads_[thread];
    rec_.begin_call(call, thread, seq, t, th.deltas);
    rec_.template_slot(slot ? slot : slot_of(call));
    fill(rec_);
    th.call = flush();
    th.t_enter = t;
  }
  void enter(CallId call, int64_t seq, int64_t t) {
    enter(call, seq, t, [](RecordBuffer&) {});
  }
  // A call written as the interposer writes a repeatable one (recorder.h): its fields noted into `out`
  // (tmpl null: a full record, `out` its template), or held back and compared with tmpl's, of which only
  // those that differ are written. Returns whether the record is a CALL_REPEAT.
  template <class F>
  bool templated(CallId call, int64_t seq, int64_t t, const FieldList* tmpl, FieldList* out, F fill) {
    Thread& th = threads_[0];
    rec_.begin_call(call, 0, seq, t, th.deltas);
    rec_.template_slot(slot_of(call));
    if (tmpl)
      rec_.compare_fields(tmpl, out);
    else
      rec_.keep_fields(out);
    fill(rec_);
    const bool repeat = rec_.end_fields();
    if (repeat && listing_) rec_.repeat_same_listing(listing_->bytes, listing_->size);
    th.call = flush();
    th.t_enter = t;
    return repeat;
  }
  // From now on, a templated() CALL_REPEAT that lists what the last one did is a CALL_REPEAT_SAME, as
  // the interposer writes it (one slot per call id here, so one listing per call id is the slot's).
  struct Listing {
    uint8_t size = RecordBuffer::kNoListing;
    uint8_t bytes[kMaxRepeatedListing];
  };
  void same_listings(Listing* l) { listing_ = l; }
  // The last record's type.
  uint8_t last_type() const { return rec_.data()[0]; }
  // CALL_REPEAT record (exit word zero): the thread's last CALL of the same call id again (or, with
  // slot, the thread's last CALL that named that template slot).
  void repeat(CallId call, int64_t seq, int64_t t, int64_t thread = 0, unsigned slot = 0) {
    Thread& th = threads_[thread];
    rec_.begin_call(call, thread, seq, t, th.deltas);
    rec_.template_slot(slot ? slot : slot_of(call));
    rec_.repeat_call();
    th.call = flush();
    th.t_enter = t;
  }
  // CALL_REPEAT_SAME record (exit word zero) of the call id's slot; with disp >= 0 it carries that
  // field too, which no writer may.
  void repeat_same(CallId call, int64_t seq, int64_t t, int64_t disp = -1) {
    Thread& th = threads_[0];
    rec_.begin_call(call, 0, seq, t, th.deltas);
    rec_.template_slot(slot_of(call));
    rec_.repeat_call();
    rec_.data()[0] = kRecCallRepeatSame;
    if (disp >= 0) rec_.field(kF_disp, disp);
    th.call = flush();
    th.t_enter = t;
  }
  // CALL_OUT record of the thread's last call (seq: only to read like the calls it ends).
  template <class F>
  void exit(int64_t /*seq*/, int64_t t, int64_t rc, F fill, int64_t thread = 0) {
    Thread& th = threads_[thread];
    rec_.begin_call_out(thread, rc, t - th.t_enter, th.deltas);
    fill(rec_);
    flush();
  }
  void exit(int64_t seq, int64_t t) {
    exit(seq, t, 0, [](RecordBuffer&) {});
  }
  // The thread's last call returned MPI_SUCCESS at t without outputs: its exit word, stored in place.
  void exit_in_place(int64_t t, int64_t thread = 0) {
    Thread& th = threads_[thread];
    LogWriter::store_exit(th.call, kExitReturned | static_cast<uint32_t>(t - th.t_enter));
  }
  // The thread's last call returned MPI_SUCCESS at t with the outputs of its slot's last CALL_OUT again.
  void exit_same_outputs(int64_t t, int64_t thread = 0) {
    Thread& th = threads_[thread];
    LogWriter::store_exit(th.call, kExitReturned | kExitSameOutputs | static_cast<uint32_t>(t - th.t_enter));
  }
  // A call that returned, with no fields.
  void call(CallId call, int64_t seq) {
    enter(call, seq, seq * 100);
    exit(seq, seq * 100 + 50);
  }
  void string(int64_t id, const std::string& s) {
    rec_.reset(kRecString);
    rec_.varint(id);
    rec_.varint(static_cast<int64_t>(s.size()));
    rec_.raw(s.data(), s.size());
    flush();
  }
  void modules(const std::vector<ModuleMapping>& mods) {
    rec_.reset(kRecModules);
    rec_.varint(static_cast<int64_t>(mods.size()));
    for (const auto& m : mods) {
      rec_.varint(static_cast<int64_t>(m.start));
      rec_.varint(static_cast<int64_t>(m.end));
      rec_.varint(static_cast<int64_t>(m.load_bias));
      rec_.varint(static_cast<int64_t>(m.path.size()));
      rec_.raw(m.path.data(), m.path.size());
    }
    flush();
  }
  void type(const TypeLayout& t) {
    rec_.reset(kRecTypedef);
    for (int64_t v : {t.id, int64_t{t.basic}, t.size, t.lb, t.extent, t.true_lb, t.true_extent, int64_t{t.truncated},
                      static_cast<int64_t>(t.blocks.size())})
      rec_.varint(v);
    for (const auto& b : t.blocks) {
      rec_.varint(b.offset);
      rec_.varint(b.length);
      rec_.varint(b.basic);
    }
    flush();
  }
  void signal(int sig) {
    rec_.reset(kRecSignal);
    rec_.varint(sig);
    rec_.varint(1);  // si_code
    rec_.varint(777);
    flush();
  }
  void clock(int64_t tsc, int64_t ns) {
    rec_.reset(kRecClock);
    rec_.varint(tsc);
    rec_.varint(ns);
    flush();
  }
  void end(int64_t t) {
    rec_.reset(kRecEnd);
    rec_.varint(t);
    flush();
  }
  void close() { log_.close(); }
  // File offset of every record appended so far (the layout log_format.h describes).
  const std::vector<uint64_t>& offsets() const { return offsets_; }

 private:
  uint8_t* flush() {
    offsets_.push_back(next_);
    next_ += record_stride(record_prefix_for(rec_.size()) + rec_.size());
    return log_.append(rec_.data(), rec_.size());
  }
  struct Thread {
    ThreadDeltas deltas;
    uint8_t* call = nullptr;
    int64_t t_enter = 0;
  };
  std::map<int64_t, Thread> threads_;
  std::vector<uint64_t> offsets_;
  uint64_t next_ = kHeaderSize;
  LogWriter log_;
  RecordBuffer rec_;
  Listing* listing_ = nullptr;
  bool ok_ = false;
};

// A small finished run of one rank: Init, Barrier, Put, Finalize.
void write_good_log(const std::string& path, int rank, int size) {
  Writer w(path, rank, size);
  ASSERT_TRUE(w.ok());
  w.call(kCall_Init, 1);
  w.enter(kCall_Barrier, 2, 200, [](RecordBuffer& r) { r.field(kF_comm, 1); });
  w.exit(2, 250);
  w.enter(kCall_Put, 3, 300, [&](RecordBuffer& r) {
    r.field(kF_win, 5);
    r.field(kF_target, (rank + 1) % size);
    r.field(kF_disp, 8);
  });
  w.exit(3, 350);
  w.call(kCall_Finalize, 4);
  w.end(999);
  w.close();
}

int64_t field(const RankLog& log, const Event& e, FieldId f) { return log.view(e).get_or(f, -12345); }
// The log's one error: bad encoding at the record at `offset` (what came before it is kept).
void expect_one_bad_encoding_at(const RankLog& log, uint64_t offset) {
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].offset, offset);
  EXPECT_NE(log.errors[0].message.find("bad encoding"), std::string::npos) << log.errors[0].str();
}

// ---------------------------------------------------------------- round trip

TEST(LogReader, RoundTripOfEveryRecordAndFieldKind) {
  TempDir dir;
  const std::string path = dir.file("rank-3.log");
  const int64_t high_addr = static_cast<int64_t>(0x7ffd12345678ull);
  const int64_t kernel_like = static_cast<int64_t>(0xffff800000001000ull);  // negative as int64
  const int64_t int64_min = INT64_MIN, int64_max = INT64_MAX;
  {
    Writer w(path, 3, 8);
    ASSERT_TRUE(w.ok());
    w.string(1, "prog.py");
    w.string(2, "");  // an empty string is a valid string
    w.string(3, std::string("with\nnewline and \xc3\xa9", 20));
    w.modules({{"/usr/bin/app", 0x555555554000ull, 0x555555554000ull, 0x555555570000ull},
               {"/usr/lib/x86_64-linux-gnu/libmpi.so.40", 0x7f0000000000ull, 0x7f0000100000ull, 0x7f0000300000ull},
               {"", 0, 0x7ffff7fc1000ull, 0x7ffff7fc3000ull}});
    TypeLayout vec;
    vec.id = 1000;
    vec.basic = -1;
    vec.size = 24;
    vec.lb = -8;
    vec.extent = 56;
    vec.true_lb = -8;
    vec.true_extent = 48;
    vec.truncated = true;
    vec.blocks = {{-8, 8, 12}, {16, 8, 12}, {40, 8, 12}};
    w.type(vec);
    TypeLayout basic;
    basic.id = 7;
    basic.basic = 7;
    basic.size = basic.extent = basic.true_extent = 4;
    basic.blocks = {{0, 4, 7}};
    w.type(basic);
    w.enter(
        kCall_Put, 17, 123456789012345,
        [&](RecordBuffer& r) {
          r.field(kF_win, 0x3000000001);
          r.field(kF_target, encode_invalid_rank(3));  // an invalid target rank 3, as the interposer logs it
          r.field(kF_disp, -16);
          r.field(kF_origin_addr, high_addr);
          r.field(kF_result_addr, kernel_like);
          r.field(kF_size, int64_max);
          r.field(kF_color, int64_min);
          r.field(kF_tag, kTagAny);
          const int64_t pcs[] = {high_addr, kernel_like, 0, -1};
          r.array(kF_pcs, pcs, 4);
          r.array(kF_members, static_cast<const int*>(nullptr), 0);  // an empty array
          r.field(kF_py_file, 1);
          r.field(kF_py_line, 42);
        },
        /*thread=*/2);
    w.exit(
        17, 123456789099999, -5,
        [](RecordBuffer& r) {
          const int done[] = {4, 0, 9};
          r.array(kF_done, done, 3);
          r.field(kF_flag, 1);
        },
        /*thread=*/2);
    w.end(123456789100000);
    w.close();
  }
  // close() trims the zero tail: header + records, nothing else.
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_GT(static_cast<size_t>(st.st_size), kHeaderSize);
  EXPECT_EQ(static_cast<size_t>(st.st_size) % 4, 0u);
  EXPECT_LT(static_cast<size_t>(st.st_size), kHeaderSize + 1024);

  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  EXPECT_EQ(log.path, path);
  EXPECT_EQ(log.rank, 3);
  EXPECT_EQ(log.world_size, 8);
  EXPECT_EQ(log.header["pid"], "4242");
  EXPECT_TRUE(log.finished);

  EXPECT_EQ(log.string(1), "prog.py");
  EXPECT_EQ(log.string(2), "");
  EXPECT_EQ(log.string(3), std::string("with\nnewline and \xc3\xa9", 20));
  EXPECT_EQ(log.string(99), "?");

  ASSERT_EQ(log.modules.size(), 3u);
  EXPECT_EQ(log.modules[0].path, "/usr/bin/app");
  EXPECT_EQ(log.modules[0].load_bias, 0x555555554000ull);
  EXPECT_EQ(log.modules[1].start, 0x7f0000100000ull);
  EXPECT_EQ(log.modules[1].end, 0x7f0000300000ull);
  EXPECT_EQ(log.modules[2].path, "");

  ASSERT_EQ(log.types.count(1000), 1u);
  const TypeLayout& t = log.types.at(1000);
  EXPECT_EQ(t.basic, -1);
  EXPECT_EQ(t.size, 24);
  EXPECT_EQ(t.lb, -8);
  EXPECT_EQ(t.extent, 56);
  EXPECT_EQ(t.true_lb, -8);
  EXPECT_EQ(t.true_extent, 48);
  EXPECT_TRUE(t.truncated);
  ASSERT_EQ(t.blocks.size(), 3u);
  EXPECT_EQ(t.blocks[0].offset, -8);
  EXPECT_EQ(t.blocks[2].offset, 40);
  EXPECT_EQ(t.blocks[2].length, 8);
  EXPECT_EQ(t.blocks[2].basic, 12);
  ASSERT_EQ(log.types.count(7), 1u);
  EXPECT_FALSE(log.types.at(7).truncated);
  EXPECT_EQ(log.types.at(7).blocks.size(), 1u);

  ASSERT_EQ(log.events.size(), 1u);
  const Event& e = log.events[0];
  EXPECT_EQ(e.call, kCall_Put);
  EXPECT_STREQ(e.name(), "MPI_Put");
  EXPECT_EQ(log.rank, 3);
  EXPECT_EQ(log.thread(e), 2);
  EXPECT_EQ(log.seq(0), 17);
  EXPECT_EQ(e.t_enter, 123456789012345);
  EXPECT_EQ(e.t_exit, 123456789099999);
  EXPECT_EQ(e.rc, -5);
  EXPECT_TRUE(e.returned);
  EXPECT_EQ(e.offset % 4, 0u);
  EXPECT_GT(e.offset, kHeaderSize);  // after the string, module and type records
  EXPECT_EQ(field(log, e, kF_win), 0x3000000001);
  EXPECT_EQ(field(log, e, kF_target), encode_invalid_rank(3));
  EXPECT_EQ(field(log, e, kF_disp), -16);
  EXPECT_EQ(field(log, e, kF_origin_addr), high_addr);
  EXPECT_EQ(field(log, e, kF_result_addr), kernel_like);
  EXPECT_EQ(field(log, e, kF_size), int64_max);
  EXPECT_EQ(field(log, e, kF_color), int64_min);
  EXPECT_EQ(field(log, e, kF_tag), kTagAny);
  EXPECT_EQ(field(log, e, kF_py_line), 42);
  EXPECT_EQ(field(log, e, kF_flag), 1);  // an exit field
  EXPECT_FALSE(log.view(e).has(kF_op));
  Values pcs = log.view(e).array(kF_pcs);
  ASSERT_EQ(pcs.size, 4u);
  EXPECT_EQ(pcs[0], high_addr);
  EXPECT_EQ(pcs[1], kernel_like);
  EXPECT_EQ(pcs[2], 0);
  EXPECT_EQ(pcs[3], -1);
  EXPECT_TRUE(log.view(e).has(kF_members));
  EXPECT_TRUE(log.view(e).array(kF_members).empty());
  EXPECT_FALSE(log.view(e).get(kF_members).has_value());  // get() of an empty array
  Values done = log.view(e).array(kF_done);
  ASSERT_EQ(done.size, 3u);
  EXPECT_EQ(done[0], 4);
  EXPECT_EQ(done[1], 0);
  EXPECT_EQ(done[2], 9);
  EXPECT_EQ(log.view(e).get_or(kF_done, -1), 4);  // get() of an array: its first value
  EXPECT_EQ(e.field_count, 14u);                  // 12 from the entry record, 2 from the exit record
}

// An event keeps its seq as the difference from its index (Event::seq_delta); one that far from it (a
// damaged log) is kept aside, exactly, and setting it again moves it back.
TEST(LogReader, SeqsFarFromTheirIndexAreKeptExactly) {
  RankLog log;
  log.events.resize(3);
  log.set_seq(0, 1);
  log.set_seq(1, INT64_MAX);
  log.set_seq(2, -5);
  EXPECT_EQ(log.seq(0), 1);
  EXPECT_EQ(log.seq(1), INT64_MAX);
  EXPECT_EQ(log.seq(2), -5);
  EXPECT_EQ(log.far_seqs.size(), 1u);
  log.set_seq(1, int64_t{1} << 40);
  EXPECT_EQ(log.seq(1), int64_t{1} << 40);
  log.set_seq(1, 2);
  EXPECT_EQ(log.seq(1), 2);
  EXPECT_TRUE(log.far_seqs.empty());
}

TEST(LogReader, EventsKeepEntryOrderAcrossThreadsAndInterleavedExits) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 1);
    w.enter(
        kCall_Recv, 1, 10, [](RecordBuffer& r) { r.field(kF_recv_peer, kRankAny); }, /*thread=*/0);
    w.enter(
        kCall_Send, 2, 11, [](RecordBuffer& r) { r.field(kF_peer, 0); }, /*thread=*/1);
    w.exit(
        2, 12, 0, [](RecordBuffer&) {}, 1);
    w.exit(
        1, 13, 0, [](RecordBuffer& r) { r.field(kF_status_src, 0); }, 0);
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty());
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[0].call, kCall_Recv);
  EXPECT_EQ(log.events[0].t_exit, 13);
  EXPECT_EQ(field(log, log.events[0], kF_status_src), 0);
  EXPECT_EQ(field(log, log.events[0], kF_recv_peer), kRankAny);
  EXPECT_EQ(log.events[1].call, kCall_Send);
  EXPECT_EQ(log.thread(log.events[1]), 1);
  EXPECT_EQ(log.events[1].t_exit, 12);
  EXPECT_FALSE(log.finished);  // closed, but no END record
}

// The common call: its exit word stored in place, no record of its own. A copy of the log taken
// before the store shows the call as still inside MPI.
TEST(LogReader, ExitWordStoredInPlaceEndsTheCall) {
  TempDir dir;
  const std::string live = dir.file("live.log"), inside = dir.file("rank-0.log");
  Writer w(live, 0, 1);
  w.enter(kCall_Put, 1, 1000, [](RecordBuffer& r) { r.field(kF_win, 7); });
  write_file(inside, read_file(live));
  w.exit_in_place(1234);
  w.enter(kCall_Win_flush, 2, 2000, [](RecordBuffer& r) { r.field(kF_win, 7); });
  w.exit_in_place(2000);  // a duration of 0 is a return too
  w.close();

  RankLog log;
  ASSERT_TRUE(read_rank_log(live, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_TRUE(log.events[0].returned);
  EXPECT_EQ(log.events[0].t_exit, 1234);
  EXPECT_EQ(log.events[0].rc, 0);
  EXPECT_EQ(log.events[0].field_count, 1u);  // the entry record's
  EXPECT_TRUE(log.events[1].returned);
  EXPECT_EQ(log.events[1].t_enter, 2000);
  EXPECT_EQ(log.events[1].t_exit, 2000);
  EXPECT_EQ(field(log, log.events[1], kF_win), 7);  // the same value again: a zero delta

  RankLog before;
  ASSERT_TRUE(read_rank_log(inside, before));
  EXPECT_TRUE(before.errors.empty());
  ASSERT_EQ(before.events.size(), 1u);
  EXPECT_FALSE(before.events[0].returned);
}

// A CALL_REPEAT has the fields of the thread's last CALL record of its call id (kept apart per call id and
// per thread), its own seq and times, and leaves the field deltas where that CALL left them.
TEST(LogReader, RepeatedCallsHaveTheirTemplatesFields) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 1);
    auto put = [&w](int64_t seq, int64_t disp, int64_t thread) {
      w.enter(
          kCall_Put, seq, seq * 100,
          [&](RecordBuffer& r) {
            r.field(kF_win, 7);
            r.field(kF_disp, disp);
            r.field(kF_target, thread);
          },
          thread);
      w.exit_in_place(seq * 100 + 5, thread);
    };
    put(1, 40, 0);
    w.enter(kCall_Win_flush, 2, 200, [](RecordBuffer& r) { r.field(kF_win, 7); });
    w.exit_in_place(230);
    put(3, 80, 9);  // another thread's template
    w.repeat(kCall_Put, 4, 400);
    w.exit_in_place(405);
    w.repeat(kCall_Win_flush, 5, 500);
    w.exit_in_place(530);
    w.repeat(kCall_Put, 6, 600, 9);
    w.exit_in_place(605, 9);
    put(7, 41, 0);  // its disp is a delta from 40 (thread 0's last logged value), not from a repeat
    w.repeat(kCall_Put, 8, 800);
    w.exit_in_place(805);
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 8u);
  const int64_t disp[] = {40, -1, 80, 40, -1, 80, 41, 41};
  const int64_t thread[] = {0, 0, 9, 0, 0, 9, 0, 0};
  for (size_t i = 0; i < 8; ++i) {
    const Event& e = log.events[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(log.seq(static_cast<uint32_t>(i)), static_cast<int64_t>(i) + 1);
    EXPECT_EQ(e.t_enter, (static_cast<int64_t>(i) + 1) * 100);
    EXPECT_TRUE(e.returned);
    EXPECT_EQ(log.thread(e), thread[i]);
    EXPECT_EQ(field(log, e, kF_win), 7);
    if (disp[i] < 0) {
      EXPECT_EQ(e.call, kCall_Win_flush);
      EXPECT_EQ(e.field_count, 1u);
    } else {
      EXPECT_EQ(e.call, kCall_Put);
      EXPECT_EQ(field(log, e, kF_disp), disp[i]);
      EXPECT_EQ(field(log, e, kF_target), thread[i]);
    }
  }
  EXPECT_EQ(log.events[4].t_exit, 530);
  // A returned repeat shares its template's fields: no pool growth for it.
  EXPECT_EQ(log.events[3].fields_begin, log.events[0].fields_begin);
}

// Format 5: a template is by slot (the interposer's are by call id and call site): Puts from two places
// of a loop, in two slots, each repeat their own; a record in slot 0 is no template.
TEST(LogReader, RepeatsOfOneCallFromTwoPlacesHaveTheirOwnTemplates) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 1);
    auto put = [&w](int64_t seq, int64_t target, unsigned slot) {
      w.enter(
          kCall_Put, seq, seq * 100,
          [&](RecordBuffer& r) {
            r.field(kF_win, 7);
            r.field(kF_target, target);
          },
          0, slot);
      w.exit_in_place(seq * 100 + 5);
    };
    put(1, 1, 3);  // to the left
    put(2, 2, 9);  // to the right
    for (int64_t seq = 3; seq <= 6; ++seq) {
      w.repeat(kCall_Put, seq, seq * 100, 0, seq % 2 ? 3 : 9);
      w.exit_in_place(seq * 100 + 5);
    }
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(log.events[i].call, kCall_Put);
    EXPECT_EQ(field(log, log.events[i], kF_target), i % 2 ? 2 : 1);
  }
}

// A loop that cycles through a few displacements: each Put is a repeat that lists its disp. Once the
// reader has seen a returned call's fields, a later call with the same fields shares that run (the pool
// does not grow for it); adding a field to one of them afterwards (FieldPool::add) leaves the other alone.
TEST(LogReader, ReturnedCallsWithTheSameFieldsShareOneRun) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  FieldList tmpl, got;
  const int kPuts = 12;
  {
    Writer w(path, 0, 1);
    auto put = [](int64_t disp) {
      return [disp](RecordBuffer& r) {
        r.field(kF_win, 7);
        r.field(kF_disp, disp);
        r.field(kF_target, 1);
      };
    };
    const int64_t pc = 0x401234;  // a template starts with its call site (RecordBuffer::compare_fields)
    w.templated(kCall_Put, 1, 100, nullptr, &tmpl, [&](RecordBuffer& r) {
      r.array(kF_pcs, &pc, 1);
      put(0)(r);
    });
    w.exit_in_place(105);
    for (int i = 1; i < kPuts; ++i) {
      EXPECT_TRUE(w.templated(kCall_Put, i + 1, (i + 1) * 100, &tmpl, &got, put(i % 3)));
      w.exit_in_place((i + 1) * 100 + 5);
    }
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), static_cast<size_t>(kPuts));
  for (int i = 0; i < kPuts; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(field(log, log.events[i], kF_disp), i % 3);
    EXPECT_EQ(field(log, log.events[i], kF_win), 7);
    if (i >= 3) EXPECT_EQ(log.events[i].fields_begin, log.events[i - 3].fields_begin);
  }
  // Three runs of four fields: the template's, and those of the first repeats to disp 1 and 2.
  EXPECT_EQ(log.pool.fields.size(), 12u);
  log.pool.add(log.events[4], kF_count, 5);
  EXPECT_EQ(field(log, log.events[4], kF_count), 5);
  EXPECT_FALSE(EventView(log.events[1], log.pool).has(kF_count));
  EXPECT_FALSE(EventView(log.events[7], log.pool).has(kF_count));
  EXPECT_EQ(field(log, log.events[1], kF_disp), 1);
}

// A repeated call that fails (or has outputs) gets its CALL_OUT fields on a copy of the template's: the
// template and the repeats that share its fields keep theirs.
TEST(LogReader, RepeatThatFailsGetsItsOwnFields) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 1);
    w.enter(kCall_Win_flush, 1, 100, [](RecordBuffer& r) {
      r.field(kF_win, 7);
      r.field(kF_target, 1);
    });
    w.exit_in_place(110);
    w.repeat(kCall_Win_flush, 2, 200);
    w.exit_in_place(210);
    w.repeat(kCall_Win_flush, 3, 300);
    w.exit(3, 350, 12, [](RecordBuffer& r) { r.field(kF_error_string, 4); });
    w.repeat(kCall_Win_flush, 4, 400);
    w.exit_in_place(410);
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 4u);
  for (size_t i : {0u, 1u, 3u}) {
    SCOPED_TRACE(i);
    EXPECT_EQ(log.events[i].field_count, 2u);
    EXPECT_FALSE(log.view(log.events[i]).has(kF_error_string));
    EXPECT_EQ(field(log, log.events[i], kF_target), 1);
  }
  const Event& failed = log.events[2];
  EXPECT_EQ(failed.rc, 12);
  EXPECT_EQ(failed.t_exit, 350);
  EXPECT_EQ(field(log, failed, kF_win), 7);
  EXPECT_EQ(field(log, failed, kF_error_string), 4);
}

// A repeat with nothing to repeat (no CALL of its id by its thread before it) is bad encoding: what
// came before it is kept.
TEST(LogReader, RepeatWithoutTemplateIsBadEncoding) {
  TempDir dir;
  for (int variant = 0; variant < 4; ++variant) {
    SCOPED_TRACE(variant);
    const std::string path = dir.file("rank-" + std::to_string(variant) + ".log");
    uint64_t at = 0;
    {
      Writer w(path, 0, 1);
      w.enter(kCall_Put, 1, 100, [](RecordBuffer& r) { r.field(kF_win, 7); });
      w.exit_in_place(110);
      if (variant == 0) w.repeat(kCall_Get, 2, 200);                                 // no Get before
      if (variant == 1) w.repeat(kCall_Put, 2, 200, 3);                              // no Put of thread 3 before
      if (variant == 2) w.repeat(kCall_Get, 2, 200, 0, Writer::slot_of(kCall_Put));  // the Put's slot
      if (variant == 3) w.repeat(kCall_Put, 2, 200, 0, 5);                           // a slot no record named
      at = w.offsets().back();
      w.close();
    }
    RankLog log;
    read_rank_log(path, log);
    expect_one_bad_encoding_at(log, at);
    EXPECT_EQ(log.events.size(), 1u);
  }
}

// A template is its CALL record's fields: the outputs of the CALL_OUT that followed it (an Isend's new
// request) are not repeated, and a repeat's own CALL_OUT adds its own (format 6).
TEST(LogReader, TemplatesAreTheirCallRecordsFieldsWithoutOutputs) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 2);
    auto inputs = [](RecordBuffer& r) {
      r.field(kF_peer, 1);
      r.field(kF_tag, 5);
    };
    auto new_req = [](int64_t id) { return [id](RecordBuffer& r) { r.field(kF_new_req, id); }; };
    w.enter(kCall_Isend, 1, 100, inputs);
    w.exit(1, 110, 0, new_req(10));
    w.repeat(kCall_Isend, 2, 200);
    w.exit(2, 210, 0, new_req(11));
    w.repeat(kCall_Isend, 3, 300);
    w.exit_in_place(305);
    w.repeat(kCall_Isend, 4, 400);  // still inside when the log ends
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 4u);
  const int64_t want_req[] = {10, 11, -1, -1};
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    const EventView v = log.view(log.events[i]);
    EXPECT_EQ(v.get(kF_peer), 1);
    EXPECT_EQ(v.get(kF_tag), 5);
    EXPECT_EQ(v.get_or(kF_new_req, -1), want_req[i]);
    EXPECT_EQ(log.events[i].returned, i < 3);
  }
}

// An exit word with kExitSameOutputs decodes the bytes of the last CALL_OUT of a call that named the same
// slot again (format 6): the same deltas, so a request id that grows by 10 a call grows on; another slot's
// CALL_OUT in between changes nothing of it. Without such a CALL_OUT it is bad encoding.
TEST(LogReader, SameOutputsRepeatTheSlotsLastCallOutBytes) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  uint64_t bad_at = 0;
  {
    Writer w(path, 0, 2);
    auto inputs = [](RecordBuffer& r) { r.field(kF_tag, 5); };
    auto new_req = [](int64_t id) { return [id](RecordBuffer& r) { r.field(kF_new_req, id); }; };
    w.enter(kCall_Irecv, 1, 100, inputs);
    w.exit(1, 110, 0, new_req(10));
    w.repeat(kCall_Irecv, 2, 200);
    w.exit_same_outputs(207);
    w.enter(kCall_Win_flush, 3, 300, inputs);  // another slot, its own outputs
    w.exit(3, 310, 0, [](RecordBuffer& r) { r.field(kF_flag, 1); });
    w.repeat(kCall_Irecv, 4, 400);
    w.exit_same_outputs(401);
    w.enter(kCall_Win_unlock, 5, 500, inputs);  // a slot no CALL_OUT named
    w.exit_same_outputs(502);
    bad_at = w.offsets().back();
    w.close();
  }
  RankLog log;
  read_rank_log(path, log);
  expect_one_bad_encoding_at(log, bad_at);
  ASSERT_EQ(log.events.size(), 4u);
  const int64_t want_req[] = {10, 20, -12345, 30}, want_exit[] = {110, 207, 310, 401};
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    const Event& e = log.events[i];
    EXPECT_TRUE(e.returned);
    EXPECT_EQ(e.rc, 0);
    EXPECT_EQ(e.t_exit, want_exit[i]);
    EXPECT_EQ(field(log, e, kF_tag), 5);
    EXPECT_EQ(field(log, e, kF_new_req), want_req[i]);
  }
  EXPECT_EQ(field(log, log.events[2], kF_flag), 1);
  EXPECT_FALSE(log.view(log.events[3]).has(kF_flag));
}

// An event names its thread by a 16-bit slot of RankLog::thread_ids: a log of more than 2^16 threads
// is bad encoding at the first record of thread 2^16 + 1, and what came before it is kept.
TEST(LogReader, ThreadsPastSixteenBitsAreBadEncoding) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  uint64_t at = 0;
  constexpr int64_t kThreads = int64_t{UINT16_MAX} + 2;
  {
    Writer w(path, 0, 1);
    for (int64_t t = 0; t < kThreads; ++t) {
      const int64_t thread = kThreads - 1 - t;  // slots are given in order of appearance, not by number
      w.enter(
          kCall_Win_flush, t + 1, 10 * t, [](RecordBuffer& r) { r.field(kF_win, 7); }, thread);
      w.exit_in_place(10 * t + 5, thread);
    }
    at = w.offsets().back();
    w.close();
  }
  RankLog log;
  read_rank_log(path, log);
  expect_one_bad_encoding_at(log, at);
  ASSERT_EQ(log.events.size(), size_t{UINT16_MAX} + 1);
  EXPECT_EQ(log.thread_ids.size(), size_t{UINT16_MAX} + 1);
  EXPECT_EQ(log.thread(log.events.front()), kThreads - 1);
  EXPECT_EQ(log.thread(log.events.back()), 1);
  EXPECT_EQ(log.events.back().thread_slot, UINT16_MAX);
}

// The writer's half of call templates (RecordBuffer::keep_fields / compare_fields) read back: a call with
// the template's fields in the same order lists those whose values differ (deltas, like a CALL's), and
// reads as the whole call; one whose fields are others (another order, one more field, more than a
// FieldList holds) is a CALL with every field, its call site included.
TEST(LogReader, RepeatListsTheFieldsThatDiffer) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  const int64_t pc = 0x401234;
  FieldList tmpl, got;
  bool repeats[6] = {};
  std::vector<uint64_t> sizes;  // of the records, in bytes
  {
    Writer w(path, 0, 1);
    auto put = [&](int64_t disp, int64_t addr) {
      return [&, disp, addr](RecordBuffer& r) {
        r.field(kF_win, 7);
        r.field(kF_disp, disp);
        r.field(kF_origin_addr, addr);
      };
    };
    repeats[0] = w.templated(kCall_Put, 1, 100, nullptr, &tmpl, [&](RecordBuffer& r) {
      r.array(kF_pcs, &pc, 1);
      put(40, 0x7000)(r);
    });
    w.exit_in_place(105);
    EXPECT_TRUE(tmpl.usable);
    EXPECT_EQ(tmpl.n, 4);  // the call site (an array of one: one entry), then three scalars
    repeats[1] = w.templated(kCall_Put, 2, 200, &tmpl, &got, put(41, 0x7000));  // disp alone
    w.exit_in_place(205);
    repeats[2] = w.templated(kCall_Put, 3, 300, &tmpl, &got, put(40, 0x7008));  // addr alone
    w.exit_in_place(305);
    repeats[3] = w.templated(kCall_Put, 4, 400, &tmpl, &got, [](RecordBuffer& r) {  // another order
      r.field(kF_disp, 42);
      r.field(kF_win, 7);
      r.field(kF_origin_addr, 0x7000);
    });
    w.exit_in_place(405);
    repeats[4] = w.templated(kCall_Put, 5, 500, &tmpl, &got, [&](RecordBuffer& r) {  // one more field
      put(43, 0x7000)(r);
      const int64_t two[2] = {5, 6};
      r.array(kF_reqs, two, 2);
    });
    w.exit_in_place(505);
    repeats[5] = w.templated(kCall_Put, 6, 600, &tmpl, &got, [&](RecordBuffer& r) {  // too many fields
      put(44, 0x7000)(r);
      for (int k = 0; k < FieldList::kMax; ++k) r.field(static_cast<FieldId>(kF_count + k % 2), k);
    });
    w.exit_in_place(605);
    for (size_t k = 0; k + 1 < w.offsets().size(); ++k) sizes.push_back(w.offsets()[k + 1] - w.offsets()[k]);
    w.close();
  }
  EXPECT_FALSE(repeats[0]);
  EXPECT_TRUE(repeats[1]);
  EXPECT_TRUE(repeats[2]);
  EXPECT_FALSE(repeats[3]);
  EXPECT_FALSE(repeats[4]);
  EXPECT_FALSE(repeats[5]);
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 6u);
  const int64_t disp[] = {40, 41, 40, 42, 43, 44}, addr[] = {0x7000, 0x7000, 0x7008, 0x7000, 0x7000, 0x7000};
  for (size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    const Event& e = log.events[i];
    EXPECT_EQ(log.seq(static_cast<uint32_t>(i)), static_cast<int64_t>(i) + 1);
    EXPECT_EQ(field(log, e, kF_win), 7);
    EXPECT_EQ(field(log, e, kF_disp), disp[i]);
    EXPECT_EQ(field(log, e, kF_origin_addr), addr[i]);
    ASSERT_EQ(log.view(e).array(kF_pcs).size, 1u);
    EXPECT_EQ(log.view(e).array(kF_pcs)[0], pc);
  }
  EXPECT_EQ(log.view(log.events[4]).array(kF_reqs).size, 2u);
  EXPECT_EQ(field(log, log.events[5], kF_count), 0);  // of repeated keys, the first logged stays
  // The repeats are short: a head, two deltas and one field.
  EXPECT_LE(sizes[1], 24u);
  EXPECT_LE(sizes[2], 24u);
  EXPECT_GT(sizes[0], sizes[1]);
  EXPECT_GT(sizes[3], sizes[1]);
}

// Format 7: an array's elements after the first are deltas from the one before, and a template may hold
// arrays (a Waitall's requests): a repeat with the same elements lists nothing, one with another element
// lists the whole array again.
TEST(LogReader, ArraysAreElementDeltasAndRepeatWhole) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  const int64_t pc = 0x401234;
  FieldList tmpl, got;
  bool repeats[4] = {};
  const int64_t reqs[4][3] = {{661, 662, 9}, {661, 662, 9}, {661, 700, 9}, {-5, INT64_MAX, INT64_MIN}};
  std::vector<uint64_t> sizes;
  {
    Writer w(path, 0, 1);
    for (int i = 0; i < 4; ++i) {
      auto fill = [&](RecordBuffer& r) {
        if (i == 0) r.array(kF_pcs, &pc, 1);
        r.field(kF_count, 3);
        r.array(kF_reqs, reqs[i], 3);
      };
      repeats[i] = w.templated(kCall_Waitall, i + 1, 100 * (i + 1), i ? &tmpl : nullptr, i ? &got : &tmpl, fill);
      w.exit_in_place(100 * (i + 1) + 5);
    }
    EXPECT_EQ(tmpl.n, 5);  // call site, count, and reqs: one entry per element
    // An empty array cannot be kept: a CALL with every field, the call site too.
    FieldList empty;
    EXPECT_FALSE(w.templated(kCall_Waitall, 5, 500, &tmpl, &empty, [&](RecordBuffer& r) {
      r.field(kF_count, 0);
      r.array(kF_reqs, reqs[0], 0);
    }));
    EXPECT_FALSE(empty.usable);
    w.exit_in_place(505);
    for (size_t k = 0; k + 1 < w.offsets().size(); ++k) sizes.push_back(w.offsets()[k + 1] - w.offsets()[k]);
    w.close();
  }
  EXPECT_FALSE(repeats[0]);
  EXPECT_TRUE(repeats[1]);
  EXPECT_TRUE(repeats[2]);
  EXPECT_TRUE(repeats[3]);
  EXPECT_LT(sizes[1], sizes[2]);  // nothing listed, then the array
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 5u);
  const EventView last = log.view(log.events[4]);
  EXPECT_EQ(last.get(kF_count), 0);
  EXPECT_EQ(last.array(kF_reqs).size, 0u);
  ASSERT_EQ(last.array(kF_pcs).size, 1u);
  EXPECT_EQ(last.array(kF_pcs)[0], pc);
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    const EventView v = log.view(log.events[i]);
    EXPECT_EQ(v.get(kF_count), 3);
    ASSERT_EQ(v.array(kF_reqs).size, 3u);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(v.array(kF_reqs)[k], reqs[i][k]);
    ASSERT_EQ(v.array(kF_pcs).size, 1u);
    EXPECT_EQ(v.array(kF_pcs)[0], pc);
  }
}

// Format 7: a CALL_REPEAT that lists the same bytes as the thread's last CALL_REPEAT of its slot is a
// CALL_REPEAT_SAME of no fields, read as if it listed them: a Put whose displacement grows by 8 a call
// reads 0, 8, 16, ...; a step of another size lists it again.
TEST(LogReader, RepeatSameListsTheSlotsLastListingAgain) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  const int64_t pc = 0x401234;
  const int64_t disp[] = {0, 8, 16, 24, 32, 33, 34, 35, 35, 36};
  const uint8_t want_type[] = {kRecCall,           kRecCallRepeat, kRecCallRepeatSame, kRecCallRepeatSame,
                               kRecCallRepeatSame, kRecCallRepeat, kRecCallRepeatSame, kRecCallRepeatSame,
                               kRecCallRepeat,     kRecCallRepeat};
  const int kPuts = 10;
  FieldList tmpl, got;
  Writer::Listing listing;
  std::vector<uint64_t> sizes;
  {
    Writer w(path, 0, 1);
    w.same_listings(&listing);
    for (int i = 0; i < kPuts; ++i) {
      SCOPED_TRACE(i);
      w.templated(kCall_Put, i + 1, 100 * (i + 1), i ? &tmpl : nullptr, i ? &got : &tmpl, [&](RecordBuffer& r) {
        if (i == 0) r.array(kF_pcs, &pc, 1);
        r.field(kF_win, 7);
        r.field(kF_disp, disp[i]);
      });
      EXPECT_EQ(w.last_type(), want_type[i]);
      w.exit_in_place(100 * (i + 1) + 5);
    }
    for (size_t k = 0; k + 1 < w.offsets().size(); ++k) sizes.push_back(w.offsets()[k + 1] - w.offsets()[k]);
    w.close();
  }
  EXPECT_EQ(sizes[2], 16u);  // a 4-byte prefix, the 8-byte head, seq and time deltas: no field
  EXPECT_LT(sizes[2], sizes[1]);
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), static_cast<size_t>(kPuts));
  for (int i = 0; i < kPuts; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(field(log, log.events[i], kF_disp), disp[i]);
    EXPECT_EQ(field(log, log.events[i], kF_win), 7);
    EXPECT_EQ(log.events[i].t_exit, 100 * (i + 1) + 5);
  }
}

// A CALL_REPEAT_SAME is bad encoding when its slot has no listing to repeat (no CALL_REPEAT named it),
// when it carries fields, and in a log of format 6, which has no such records; what came before stays.
TEST(LogReader, RepeatSameWithoutListingIsBadEncoding) {
  TempDir dir;
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    const std::string path = dir.file("rank-" + std::to_string(variant) + ".log");
    uint64_t at = 0;
    {
      Writer w(path, 0, 1);
      w.enter(kCall_Put, 1, 100, [](RecordBuffer& r) { r.field(kF_win, 7); });
      w.exit_in_place(110);
      if (variant > 0) {
        w.repeat(kCall_Put, 2, 200);  // a listing (of nothing) for the slot
        w.exit_in_place(210);
      }
      w.repeat_same(kCall_Put, 3, 300, variant == 1 ? 5 : -1);
      at = w.offsets().back();
      w.close();
    }
    if (variant == 2) {  // the same log, said to be of format 6
      std::string bytes = read_file(path);
      const std::string magic = std::string(kLogMagic) + " " + std::to_string(kLogFormatVersion) + "\n";
      ASSERT_EQ(bytes.rfind(magic, 0), 0u);
      bytes.replace(0, magic.size(), std::string(kLogMagic) + " 6\n");
      write_file(path, bytes);
    }
    RankLog log;
    read_rank_log(path, log);
    expect_one_bad_encoding_at(log, at);
    EXPECT_EQ(log.events.size(), variant == 0 ? 1u : 2u);
  }
}

// call_clock=tsc: call times are cycle counter ticks, converted to ns between the CLOCK pairs (and
// beyond the last one with its rate); the program's own accesses are in ns already.
TEST(LogReader, CycleCounterTimesAreConvertedBetweenClockPairs) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 1, "call_clock=tsc\n");
    w.clock(1000, 5000);
    w.enter(kCall_Put, 1, 2000);
    w.exit_in_place(2400);
    w.clock(3000, 6000);
    w.enter(kCall_Win_flush, 2, 5000);
    w.exit(2, 5200, 3, [](RecordBuffer&) {});
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[0].t_enter, 5500);  // 2 ticks per ns
  EXPECT_EQ(log.events[0].t_exit, 5700);
  EXPECT_EQ(log.events[1].t_enter, 7000);  // past the last pair
  EXPECT_EQ(log.events[1].t_exit, 7100);
  EXPECT_EQ(log.events[1].rc, 3);
}

// Values that repeat or move a little are deltas from the thread's last value of the field; each
// thread has its own, so interleaved threads decode to their own values.
TEST(LogReader, FieldDeltasArePerThread) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 1);
    for (int i = 0; i < 6; ++i) {
      const int64_t thread = i % 2 ? 300 : 1;  // 300: a thread id past the one-byte head
      const int64_t pc = 0x555555554000 + 16 * i;
      w.enter(
          kCall_Put, 10 + i, 100 * i + thread,
          [&](RecordBuffer& r) {
            r.array(kF_pcs, &pc, 1);
            r.field(kF_target, thread + i);
            r.field(kF_disp, -i);
          },
          thread);
      w.exit_in_place(100 * i + thread + 5, thread);
    }
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const Event& e = log.events[static_cast<size_t>(i)];
    const int64_t thread = i % 2 ? 300 : 1;
    EXPECT_EQ(log.thread(e), thread);
    EXPECT_EQ(log.seq(static_cast<uint32_t>(i)), 10 + i);
    EXPECT_EQ(e.t_enter, 100 * i + thread);
    EXPECT_EQ(e.t_exit, 100 * i + thread + 5);
    EXPECT_EQ(log.view(e).array(kF_pcs)[0], 0x555555554000 + 16 * i);
    EXPECT_EQ(field(log, e, kF_target), thread + i);
    EXPECT_EQ(field(log, e, kF_disp), -i);
  }
}

// MPI_THREAD_MULTIPLE: threads append at once without a lock; every record is there, whole, and each
// thread's calls decode in its order.
TEST(LogReader, ConcurrentAppendsFromThreadsAllArrive) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  constexpr int kThreads = 4, kCalls = 20000;
  {
    LogWriter log;
    std::string error;
    ASSERT_TRUE(log.open(path, "rank=0\nsize=1\n", error)) << error;
    std::atomic<int64_t> seq{1};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        RecordBuffer rec;
        ThreadDeltas deltas;
        for (int i = 0; i < kCalls; ++i) {
          rec.begin_call(kCall_Put, t, seq.fetch_add(1), 1000 * i + t, deltas);
          rec.field(kF_target, t);
          rec.field(kF_disp, i);
          // Some records long enough to span several of the others.
          std::vector<int64_t> pad(static_cast<size_t>(i % 7 == 0 ? 40 : 1), t);
          rec.array(kF_members, pad.data(), pad.size());
          uint8_t* payload = log.append(rec.data(), rec.size());
          ASSERT_NE(payload, nullptr);
          if (i % 3)
            LogWriter::store_exit(payload, kExitReturned | 7);
          else {
            rec.begin_call_out(t, 0, 9, deltas);
            rec.field(kF_new_req, i);
            ASSERT_NE(log.append(rec.data(), rec.size()), nullptr);
          }
        }
      });
    for (auto& th : threads) th.join();
    log.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), size_t{kThreads} * kCalls);
  std::vector<int> next(kThreads, 0);
  for (const Event& e : log.events) {
    const int thread = log.thread(e);
    ASSERT_GE(thread, 0);
    ASSERT_LT(thread, kThreads);
    const int i = next[static_cast<size_t>(thread)]++;
    EXPECT_EQ(field(log, e, kF_target), thread);
    EXPECT_EQ(field(log, e, kF_disp), i);
    EXPECT_EQ(e.t_enter, 1000 * i + thread);
    EXPECT_TRUE(e.returned);
    EXPECT_EQ(e.t_exit - e.t_enter, i % 3 ? 7 : 9);
    if (i % 3 == 0) EXPECT_EQ(field(log, e, kF_new_req), i);
  }
  for (int n : next) EXPECT_EQ(n, kCalls);
}

// A thread killed while copying its record leaves it pending; the records other threads appended after
// it are still read.
TEST(LogReader, PendingRecordInTheMiddleIsSkipped) {
  TempDir dir;
  const std::string live = dir.file("live.log"), dead = dir.file("rank-0.log");
  Writer w(live, 0, 1);
  w.call(kCall_Init, 1);
  w.enter(
      kCall_Recv, 2, 200, [](RecordBuffer& r) { r.field(kF_recv_peer, 0); }, /*thread=*/1);
  w.enter(
      kCall_Send, 3, 300, [](RecordBuffer& r) { r.field(kF_peer, 0); }, /*thread=*/2);
  w.exit_in_place(310, 2);
  std::string bytes = read_file(live);
  w.close();
  const size_t torn = w.offsets()[2];  // thread 1's Recv
  uint32_t word;
  std::memcpy(&word, &bytes[torn], 4);
  const size_t size = record_size_of(word), prefix = record_prefix_of(word);
  const uint32_t pending = pending_size_word(size, prefix == kShortPrefix);  // no checksum yet
  std::memcpy(&bytes[torn], &pending, 4);
  for (size_t i = torn + prefix + 3; i < torn + size; ++i) bytes[i] = 0;
  write_file(dead, bytes);

  RankLog log;
  ASSERT_TRUE(read_rank_log(dead, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[1].call, kCall_Send);
  EXPECT_TRUE(log.events[1].returned);
  EXPECT_EQ(log.events[1].t_exit, 310);
}

// ------------------------------------------------------ ranks that did not finish

// A rank killed (SIGKILL, MPI_Abort): its mapping was never trimmed, so the
// file ends in the zero tail of the last growth chunk. Copying the file
// while the writer is still open gives exactly what such a rank leaves.
TEST(LogReader, DeadRankWithZeroTailReadsCleanly) {
  TempDir dir;
  const std::string live = dir.file("live.log"), dead = dir.file("rank-1.log");
  Writer w(live, 1, 2);
  w.call(kCall_Init, 1);
  w.enter(kCall_Win_fence, 2, 200, [](RecordBuffer& r) { r.field(kF_win, 9); });
  w.exit(2, 210);
  w.enter(kCall_Put, 3, 300, [](RecordBuffer& r) { r.field(kF_target, 0); });
  w.exit(3, 310);
  const std::string bytes = read_file(live);
  write_file(dead, bytes);
  w.close();

  ASSERT_GT(bytes.size(), kHeaderSize + 4096);  // the unwritten tail is there
  EXPECT_EQ(bytes.back(), '\0');
  RankLog log;
  ASSERT_TRUE(read_rank_log(dead, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  EXPECT_FALSE(log.finished);
  ASSERT_EQ(log.events.size(), 3u);
  EXPECT_EQ(log.events[2].call, kCall_Put);
  EXPECT_TRUE(log.events[2].returned);
  EXPECT_EQ(field(log, log.events[2], kF_target), 0);
}

TEST(LogReader, UnreturnedCallIsKeptWithReturnedFalse) {
  TempDir dir;
  const std::string live = dir.file("live.log"), dead = dir.file("rank-0.log");
  Writer w(live, 0, 2);
  w.call(kCall_Init, 1);
  w.enter(kCall_Recv, 2, 200, [](RecordBuffer& r) {
    r.field(kF_recv_peer, 1);
    r.field(kF_recv_tag, 7);
  });
  write_file(dead, read_file(live));  // hung in MPI_Recv, then killed
  w.close();

  RankLog log;
  ASSERT_TRUE(read_rank_log(dead, log));
  EXPECT_TRUE(log.errors.empty());
  EXPECT_FALSE(log.finished);
  ASSERT_EQ(log.events.size(), 2u);
  const Event& e = log.events[1];
  EXPECT_EQ(e.call, kCall_Recv);
  EXPECT_FALSE(e.returned);
  EXPECT_EQ(e.t_enter, 200);
  EXPECT_EQ(e.t_exit, 0);
  EXPECT_EQ(e.field_count, 2u);  // the entry record's
  EXPECT_EQ(field(log, e, kF_recv_tag), 7);
}

// The writer died while copying a record: the size word still carries the
// pending mark. The torn record is dropped without an error.
TEST(LogReader, RecordTornByDeathMidWriteIsDroppedSilently) {
  TempDir dir;
  const std::string live = dir.file("live.log"), dead = dir.file("rank-0.log");
  Writer w(live, 0, 2);
  w.call(kCall_Init, 1);
  w.call(kCall_Barrier, 2);
  w.call(kCall_Barrier, 3);
  std::string bytes = read_file(live);
  const size_t end = w.offsets().back();  // the exit record of seq 3
  w.close();
  // Turn that last record into a half-copied one: pending size, its checksum
  // and the first payload bytes written, the rest not yet.
  uint32_t word;
  std::memcpy(&word, &bytes[end], 4);
  const size_t size = record_size_of(word), prefix = record_prefix_of(word);
  ASSERT_GT(size, prefix + 2);
  ASSERT_EQ(read_file(live).size(), end + record_stride(size));              // it is the last record
  const uint32_t pending = pending_size_word(size, prefix == kShortPrefix);  // no checksum yet
  std::memcpy(&bytes[end], &pending, 4);
  for (size_t i = end + prefix + 2; i < end + size; ++i) bytes[i] = 0;
  write_file(dead, bytes);

  RankLog log;
  ASSERT_TRUE(read_rank_log(dead, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  ASSERT_EQ(log.events.size(), 3u);
  EXPECT_TRUE(log.events[1].returned);
  EXPECT_FALSE(log.events[2].returned);  // its exit was the torn record
  EXPECT_FALSE(log.finished);

  // Non-zero bytes after a torn record are damage, not a death mid-write.
  bytes[end + record_stride(size) + 40] = 0x5a;
  write_file(dead, bytes);
  RankLog bad;
  ASSERT_TRUE(read_rank_log(dead, bad));
  EXPECT_EQ(bad.events.size(), 3u);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].offset, end + record_stride(size) + 40);
  EXPECT_NE(bad.errors[0].message.find("data after the end"), std::string::npos);
}

// ------------------------------------------------------------------ damage

// Offsets of the records of a log written by write_good_log (from a clean read).
// Where the payload of the record at offset starts, and the byte holding the low bits of its checksum
// (the size word of a short record, the word after it of a long one: log_format.h).
size_t payload_at(const std::string& bytes, uint64_t offset) {
  uint32_t word;
  std::memcpy(&word, &bytes[offset], 4);
  return offset + record_prefix_of(word);
}
size_t checksum_at(const std::string& bytes, uint64_t offset) {
  uint32_t word;
  std::memcpy(&word, &bytes[offset], 4);
  return word & kRecordShort ? offset : offset + 4;
}

std::vector<uint64_t> event_offsets(const std::string& path) {
  RankLog log;
  EXPECT_TRUE(read_rank_log(path, log));
  std::vector<uint64_t> out;
  for (const Event& e : log.events) out.push_back(e.offset);
  return out;
}

TEST(LogReader, TruncatedFileKeepsEventsBeforeTheCutAndNamesFileAndOffset) {
  TempDir dir;
  const std::string good = dir.file("good.log"), cut = dir.file("rank-0.log");
  write_good_log(good, 0, 2);
  const auto offsets = event_offsets(good);
  ASSERT_EQ(offsets.size(), 4u);
  const std::string bytes = read_file(good);
  // Cut in the middle of the entry record of the Put (the third event).
  write_file(cut, bytes.substr(0, offsets[2] + 10));

  RankLog log;
  ASSERT_TRUE(read_rank_log(cut, log));
  EXPECT_FALSE(log.finished);
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[1].call, kCall_Barrier);
  EXPECT_TRUE(log.events[1].returned);
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].file, cut);
  EXPECT_EQ(log.errors[0].offset, offsets[2]);
  const std::string line = log.errors[0].str();
  EXPECT_EQ(line, cut + ": offset " + std::to_string(offsets[2]) + ": truncated record (log cut short)");
  EXPECT_EQ(line.find('\n'), std::string::npos);

  // Cut inside the size word itself (two bytes of it left).
  write_file(cut, bytes.substr(0, offsets[2] + 2));
  RankLog log2;
  ASSERT_TRUE(read_rank_log(cut, log2));
  EXPECT_EQ(log2.events.size(), 2u);
  ASSERT_EQ(log2.errors.size(), 1u);
  EXPECT_EQ(log2.errors[0].offset, offsets[2]);

  // Cut exactly between two records: indistinguishable from a rank that stopped there.
  write_file(cut, bytes.substr(0, offsets[2]));
  RankLog log3;
  ASSERT_TRUE(read_rank_log(cut, log3));
  EXPECT_EQ(log3.events.size(), 2u);
  EXPECT_TRUE(log3.errors.empty());
}

TEST(LogReader, TruncatedHeaderIsAnError) {
  TempDir dir;
  const std::string good = dir.file("good.log"), cut = dir.file("rank-0.log");
  write_good_log(good, 0, 2);
  write_file(cut, read_file(good).substr(0, 100));
  RankLog log;
  EXPECT_FALSE(read_rank_log(cut, log));
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_NE(log.errors[0].message.find("truncated header"), std::string::npos);
}

TEST(LogReader, CorruptPayloadByteGivesChecksumErrorAtThatRecord) {
  TempDir dir;
  const std::string good = dir.file("good.log"), bad = dir.file("rank-1.log");
  write_good_log(good, 1, 2);
  const auto offsets = event_offsets(good);
  std::string bytes = read_file(good);
  bytes[payload_at(bytes, offsets[2]) + 3] ^= 0x40;  // a payload byte of the Put's entry record
  write_file(bad, bytes);

  RankLog log;
  ASSERT_TRUE(read_rank_log(bad, log));
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[0].call, kCall_Init);
  EXPECT_EQ(log.events[1].call, kCall_Barrier);
  EXPECT_FALSE(log.finished);  // the END record lies beyond the damage
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].file, bad);
  EXPECT_EQ(log.errors[0].offset, offsets[2]);
  EXPECT_NE(log.errors[0].message.find("checksum"), std::string::npos) << log.errors[0].str();
}

TEST(LogReader, CorruptChecksumWordIsAlsoCaught) {
  TempDir dir;
  const std::string good = dir.file("good.log"), bad = dir.file("rank-1.log");
  write_good_log(good, 1, 2);
  const auto offsets = event_offsets(good);
  std::string bytes = read_file(good);
  bytes[checksum_at(bytes, offsets[3])] ^= 0x01;
  write_file(bad, bytes);
  RankLog log;
  ASSERT_TRUE(read_rank_log(bad, log));
  EXPECT_EQ(log.events.size(), 3u);
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].offset, offsets[3]);
}

TEST(LogReader, ImpossibleRecordSizeIsCorrupt) {
  TempDir dir;
  const std::string good = dir.file("good.log"), bad = dir.file("rank-0.log");
  write_good_log(good, 0, 2);
  const auto offsets = event_offsets(good);
  std::string bytes = read_file(good);
  // Smaller than the prefix and a type byte: a long record of 5 bytes, a short one of 4, each pending or not.
  for (uint32_t tiny : {5u, 5u | kRecordPending, kRecordShort | 4u << 16, kRecordShort | 4u << 16 | kRecordPending}) {
    std::memcpy(&bytes[offsets[1]], &tiny, 4);
    write_file(bad, bytes);
    RankLog log;
    ASSERT_TRUE(read_rank_log(bad, log));
    EXPECT_EQ(log.events.size(), 1u);
    ASSERT_EQ(log.errors.size(), 1u);
    EXPECT_EQ(log.errors[0].offset, offsets[1]);
    EXPECT_NE(log.errors[0].message.find("corrupt record"), std::string::npos) << std::hex << tiny;
  }
}

TEST(LogReader, GarbageAfterTheZeroEndMarkerIsAnError) {
  TempDir dir;
  const std::string live = dir.file("live.log"), bad = dir.file("rank-0.log");
  Writer w(live, 0, 2);
  w.call(kCall_Init, 1);
  w.call(kCall_Barrier, 2);
  std::string bytes = read_file(live);
  w.close();
  const size_t records_end = read_file(live).size();  // close() trimmed to the records
  ASSERT_LT(records_end + 200, bytes.size());
  bytes[records_end + 100] = 'X';  // a zero size word at records_end, then junk further on
  write_file(bad, bytes);

  RankLog log;
  ASSERT_TRUE(read_rank_log(bad, log));
  EXPECT_EQ(log.events.size(), 2u);
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].offset, records_end + 100);
  EXPECT_NE(log.errors[0].message.find("after the end of the records"), std::string::npos);
}

TEST(LogReader, WrongMagicIsRejected) {
  TempDir dir;
  const std::string good = dir.file("good.log"), bad = dir.file("rank-0.log");
  write_good_log(good, 0, 2);
  std::string bytes = read_file(good);
  bytes.replace(0, 12, "NOTALOG-FILE");
  write_file(bad, bytes);
  RankLog log;
  EXPECT_FALSE(read_rank_log(bad, log));
  EXPECT_TRUE(log.events.empty());
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].file, bad);
  EXPECT_EQ(log.errors[0].offset, 0u);
  EXPECT_NE(log.errors[0].message.find("magic"), std::string::npos);

  write_file(bad, std::string(8192, 'z'));  // some other file named like a log
  RankLog log2;
  EXPECT_FALSE(read_rank_log(bad, log2));
  EXPECT_EQ(log2.errors.size(), 1u);
}

TEST(LogReader, UnsupportedVersionIsRejectedNamingTheVersion) {
  TempDir dir;
  const std::string bad = dir.file("rank-0.log");
  std::string header = "RMACHECK-LOG 99\nrank=0\nsize=1\n\n";
  header.resize(kHeaderSize, '\n');
  write_file(bad, header + std::string(64, '\0'));
  RankLog log;
  EXPECT_FALSE(read_rank_log(bad, log));
  ASSERT_EQ(log.errors.size(), 1u);
  const std::string msg = log.errors[0].str();
  EXPECT_NE(msg.find("version 99"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::to_string(kLogFormatVersion)), std::string::npos) << msg;
  EXPECT_EQ(msg.rfind(bad, 0), 0u) << msg;
}

TEST(LogReader, EmptyAndMissingFilesAreErrors) {
  TempDir dir;
  const std::string empty = dir.file("rank-0.log");
  write_file(empty, "");
  RankLog log;
  EXPECT_FALSE(read_rank_log(empty, log));
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].file, empty);
  EXPECT_NE(log.errors[0].message.find("empty"), std::string::npos);

  RankLog missing;
  EXPECT_FALSE(read_rank_log(dir.path() + "/no-such.log", missing));
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors[0].message.find("cannot read"), std::string::npos);
}

TEST(LogReader, HeaderOnlyLogHasNoEventsAndNoError) {
  TempDir dir;
  const std::string path = dir.file("rank-2.log");
  Writer w(path, 2, 4);
  w.close();
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty());
  EXPECT_TRUE(log.events.empty());
  EXPECT_EQ(log.rank, 2);
  EXPECT_EQ(log.world_size, 4);
  EXPECT_FALSE(log.finished);
}

TEST(LogReader, ExitWithoutEntryIsReportedAtItsOffset) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  uint64_t orphan_exit = 0;
  {
    Writer w(path, 0, 1);
    w.call(kCall_Init, 1);
    w.exit(77, 500);  // no entry with seq 77
    orphan_exit = w.offsets().back();
    w.call(kCall_Finalize, 3);
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_EQ(log.events[0].call, kCall_Init);
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].offset, orphan_exit);
  EXPECT_NE(log.errors[0].message.find("corrupt record"), std::string::npos);
}

TEST(LogReader, UnknownCallIdOrFieldIsBadEncoding) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  {
    Writer w(path, 0, 1);
    w.call(kCall_Init, 1);
    w.enter(kCallCount, 2, 200);  // a call id this analyzer does not know
    w.close();
  }
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_EQ(log.events.size(), 1u);
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_NE(log.errors[0].message.find("bad encoding"), std::string::npos);

  const std::string path2 = dir.file("rank-1.log");
  {
    Writer w(path2, 1, 2);
    w.enter(kCall_Barrier, 1, 100, [](RecordBuffer& r) { r.field(static_cast<FieldId>(kFieldCount), 1); });
    w.close();
  }
  RankLog log2;
  ASSERT_TRUE(read_rank_log(path2, log2));
  EXPECT_TRUE(log2.events.empty());
  EXPECT_EQ(log2.errors.size(), 1u);
}

// ------------------------------------------------------------------- model

TEST(LoadModel, OneGoodAndOneDamagedLogAreBothAnalyzed) {
  TempDir dir;
  write_good_log(dir.file("rank-0.log"), 0, 2);
  const std::string good1 = dir.file("good1.tmp"), bad = dir.file("rank-1.log");
  write_good_log(good1, 1, 2);
  const auto offsets = event_offsets(good1);
  std::string bytes = read_file(good1);
  bytes[payload_at(bytes, offsets[2]) + 1] ^= 0x10;
  write_file(bad, bytes);

  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;
  EXPECT_EQ(model.world_size, 2);
  ASSERT_EQ(model.logs.size(), 2u);
  ASSERT_NE(model.rank_log(0), nullptr);
  ASSERT_NE(model.rank_log(1), nullptr);
  EXPECT_EQ(model.rank_log(0)->events.size(), 4u);
  EXPECT_EQ(model.rank_log(1)->events.size(), 2u);  // up to the damage
  EXPECT_TRUE(model.rank_log(0)->finished);
  EXPECT_FALSE(model.rank_log(1)->finished);
  EXPECT_FALSE(model.complete());
  ASSERT_EQ(model.errors.size(), 1u);
  EXPECT_EQ(model.errors[0].file, bad);
  EXPECT_EQ(model.errors[0].offset, offsets[2]);

  // The analysis proceeds and the report carries the damage and the unfinished rank.
  nlohmann::json report = build_report(model, run_detectors(model));
  ASSERT_EQ(report["run"]["log_errors"].size(), 1u);
  EXPECT_NE(report["run"]["log_errors"][0].get<std::string>().find("rank-1.log: offset " + std::to_string(offsets[2])),
            std::string::npos);
  EXPECT_EQ(report["run"]["complete"], false);
  ASSERT_EQ(report["run"]["unfinished"].size(), 1u);
  EXPECT_EQ(report["run"]["unfinished"][0]["rank"], 1);
  EXPECT_EQ(report["run"]["unfinished"][0]["call"], "MPI_Barrier");
}

TEST(LoadModel, UnreadableLogIsSkippedOthersAreUsed) {
  TempDir dir;
  write_good_log(dir.file("rank-0.log"), 0, 3);
  write_good_log(dir.file("rank-2.log"), 2, 3);
  write_file(dir.file("rank-1.log"), "RMACHECK-LOG 99\n");
  write_file(dir.file("notes.txt"), "not a log");  // ignored: not rank-*.log
  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;
  EXPECT_EQ(model.logs.size(), 2u);
  EXPECT_EQ(model.world_size, 3);
  EXPECT_EQ(model.rank_log(1), nullptr);
  ASSERT_EQ(model.errors.size(), 1u);
  EXPECT_NE(model.errors[0].message.find("version 99"), std::string::npos);
  nlohmann::json report = build_report(model, run_detectors(model));
  ASSERT_EQ(report["run"]["unfinished"].size(), 1u);
  EXPECT_EQ(report["run"]["unfinished"][0]["state"], "no log");
}

TEST(LoadModel, EmptyDirectoryFailsWithAMessage) {
  TempDir dir;
  Model model;
  std::string error;
  EXPECT_FALSE(load_model(dir.path(), model, error));
  EXPECT_NE(error.find(dir.path()), std::string::npos) << error;
  EXPECT_NE(error.find("no rank logs"), std::string::npos) << error;
  EXPECT_TRUE(model.logs.empty());
}

TEST(LoadModel, DirectoryWithOnlyBrokenLogsFails) {
  TempDir dir;
  write_file(dir.file("rank-0.log"), "");
  Model model;
  std::string error;
  EXPECT_FALSE(load_model(dir.path(), model, error));
  EXPECT_NE(error.find("no readable rank log"), std::string::npos) << error;
  EXPECT_EQ(model.errors.size(), 1u);
}

TEST(LoadModel, MissingDirectoryFails) {
  Model model;
  std::string error;
  EXPECT_FALSE(load_model("/nonexistent/rmacheck-dir", model, error));
  EXPECT_NE(error.find("cannot open log directory"), std::string::npos) << error;
}

}  // namespace
}  // namespace rmacheck

namespace rmacheck {
namespace {

// ---------------------------------------------------------------- signals, run ids, run.json, odd files

TEST(LogReader, FatalSignalRecordIsRead) {
  TempDir dir;
  const std::string path = dir.file("rank-0.log");
  Writer w(path, 0, 1);
  w.call(kCall_Init, 1);
  w.signal(11);
  w.close();
  RankLog log;
  ASSERT_TRUE(read_rank_log(path, log));
  EXPECT_TRUE(log.errors.empty()) << log.errors[0].str();
  EXPECT_EQ(log.fatal_signal, 11);
  EXPECT_EQ(log.signal_time, 777);
  EXPECT_FALSE(log.finished);
}

void write_run_log(const std::string& path, int rank, int size, const std::string& run_id, long long start) {
  Writer w(path, rank, size, "run_id=" + run_id + "\nstart_realtime_ns=" + std::to_string(start) + "\n");
  ASSERT_TRUE(w.ok());
  w.call(kCall_Init, 1);
  w.call(kCall_Finalize, 2);
  w.end(999);
  w.close();
}

TEST(LoadModel, LogOfAnotherRunIsLeftOutAgainstRunJson) {
  TempDir dir;
  write_run_log(dir.file("rank-0.log"), 0, 2, "aaa", 100);
  write_run_log(dir.file("rank-1.log"), 1, 2, "aaa", 100);
  write_run_log(dir.file("rank-2.log"), 2, 3, "bbb", 500);  // newer, but not this run
  write_file(dir.file("run.json"), R"({"tool": "rmacheck", "run_id": "aaa", "command": ["./app"], "ranks": 2,
                                      "exit_status": 0})");
  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;
  EXPECT_EQ(model.world_size, 2);
  EXPECT_EQ(model.logs.size(), 2u);
  ASSERT_EQ(model.left_out.size(), 1u);
  EXPECT_NE(model.left_out[0].find("rank-2.log: a log of another run (run id bbb, this run is aaa)"), std::string::npos)
      << model.left_out[0];
}

TEST(LoadModel, WithoutRunJsonTheNewestJobWins) {
  TempDir dir;
  write_run_log(dir.file("rank-0.log"), 0, 2, "job-new", 900);
  write_run_log(dir.file("rank-1.log"), 1, 2, "job-new", 901);
  write_run_log(dir.file("rank-2.log"), 2, 3, "job-old", 100);  // a leftover of an earlier 3-rank job
  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;
  EXPECT_EQ(model.world_size, 2);
  ASSERT_EQ(model.left_out.size(), 1u);
  EXPECT_NE(model.left_out[0].find("rank-2.log"), std::string::npos);
  EXPECT_TRUE(model.complete());
}

TEST(LoadModel, RunJsonWithWrongTypesIsOneLineError) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"command": "./app"})", "'command' is string, expected a list of strings"},
      {R"({"command": ["./app", 3]})", "'command' holds a number"},
      {R"({"ranks": "2"})", "'ranks' is string"},
      {R"({"exit_status": [0]})", "'exit_status' is array"},
      {R"({"timed_out": 1})", "'timed_out' is number"},
      {R"([1, 2])", "is not a JSON object"},
      {R"({"command": )", "is not valid JSON"},
  };
  for (const auto& [text, words] : cases) {
    TempDir dir;
    write_good_log(dir.file("rank-0.log"), 0, 1);
    write_file(dir.file("run.json"), text);
    Model model;
    std::string error;
    EXPECT_FALSE(load_model(dir.path(), model, error)) << text;
    EXPECT_NE(error.find("run.json: "), std::string::npos) << error;
    EXPECT_NE(error.find(words), std::string::npos) << text << " -> " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

TEST(LoadModel, RunJsonDirectoryAndFifoLogGiveOneLineEach) {
  TempDir dir;
  write_good_log(dir.file("rank-0.log"), 0, 2);
  const std::string fifo = dir.file("rank-1.log");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;  // does not block on the FIFO
  ASSERT_EQ(model.errors.size(), 1u);
  EXPECT_EQ(model.errors[0].message, "cannot read: not a regular file");
  const std::string sub = dir.path() + "/run.json";
  ASSERT_EQ(mkdir(sub.c_str(), 0700), 0);
  Model again;
  EXPECT_FALSE(load_model(dir.path(), again, error));
  EXPECT_EQ(error, sub + ": is not a regular file");
  rmdir(sub.c_str());
}

}  // namespace
}  // namespace rmacheck

namespace rmacheck {
namespace {

// ---------------------------------------------------------------- hostile log directories (issue 17)

TEST(LoadModel, LogNamedForAnotherRankAndARepeatedRankAreLeftOut) {
  TempDir dir;
  write_run_log(dir.file("rank-0.log"), 0, 3, "r", 1);
  write_run_log(dir.file("rank-1.log"), 0, 3, "r", 1);  // a second rank 0
  write_run_log(dir.file("rank-2.log"), 2, 3, "r", 1);
  write_run_log(dir.file("rank-02.log"), 2, 3, "r", 1);  // rank 2 again, under a name that also says 2
  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;
  ASSERT_EQ(model.logs.size(), 2u);
  EXPECT_EQ(model.logs[0].rank, 0);
  EXPECT_EQ(model.logs[1].rank, 2);
  ASSERT_EQ(model.left_out.size(), 2u);
  const std::string both = model.left_out[0] + "\n" + model.left_out[1];
  EXPECT_NE(both.find("rank-1.log: is named for rank 1 but its header says rank 0"), std::string::npos) << both;
  EXPECT_NE(both.find("rank-02.log: repeats rank 2"), std::string::npos) << both;
  for (const std::string& l : model.left_out) EXPECT_EQ(l.find('\n'), std::string::npos) << l;
  EXPECT_EQ(model.missing_ranks, std::vector<int>{1});
  Analysis a = run_detectors(model);  // the rest is analyzed: no crash on the hole
  const nlohmann::json report = build_report(model, a);
  bool noted = false;
  for (const auto& n : report["notes"]) noted = noted || n.get<std::string>().find("no log from rank 1") == 0;
  EXPECT_TRUE(noted) << report["notes"].dump();
}

TEST(LogReader, HeaderRankOrSizeOutOfRangeIsRefused) {
  const std::pair<std::pair<const char*, const char*>, const char*> cases[] = {
      {{"5", "2"}, "bad header: rank=5 is not a rank from 0 to 1"},
      {{"-1", "2"}, "bad header: rank=-1"},
      {{"0", "0"}, "bad header: size=0"},
      {{"0", "3x"}, "bad header: size=3x"},
      {{"0", "99999999999"}, "bad header: size=99999999999"},
  };
  for (const auto& [fields, words] : cases) {
    TempDir dir;
    const std::string path = dir.file("rank-0.log");
    {
      LogWriter w;
      std::string error;
      ASSERT_TRUE(w.open(path, std::string("rank=") + fields.first + "\nsize=" + fields.second + "\n", error));
      w.close();
    }
    RankLog log;
    EXPECT_FALSE(read_rank_log(path, log)) << words;
    ASSERT_EQ(log.errors.size(), 1u) << words;
    EXPECT_NE(log.errors[0].message.find(words), std::string::npos) << log.errors[0].message;
  }
}

// size=100000 in one header once made every clock of the happens-before 100000 wide (memory exhaustion).
TEST(LoadModel, SizeFarPastTheLogsThereIsOneLineError) {
  TempDir dir;
  write_run_log(dir.file("rank-0.log"), 0, 100000, "r", 1);
  Model model;
  std::string error;
  EXPECT_FALSE(load_model(dir.path(), model, error));
  EXPECT_NE(error.find("the run had 100000 ranks but only 1 of their logs are here"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(LoadModel, LogThatDisagreesOnTheSizeIsLeftOut) {
  TempDir dir;
  write_run_log(dir.file("rank-0.log"), 0, 2, "r", 1);
  write_run_log(dir.file("rank-1.log"), 1, 2, "r", 1);
  write_run_log(dir.file("rank-2.log"), 2, 4000, "r", 1);
  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;
  EXPECT_EQ(model.world_size, 2);
  ASSERT_EQ(model.left_out.size(), 1u);
  EXPECT_NE(model.left_out[0].find("rank-2.log: says the run had 4000 ranks, not 2"), std::string::npos)
      << model.left_out[0];
  EXPECT_TRUE(model.complete());
  EXPECT_TRUE(model.missing_ranks.empty());
}

// The interposer's mark of a full disk: a log error at the offset, a note, and no program-failed
// finding for a rank that may well have finished.
TEST(LoadModel, LoggingStoppedIsALogErrorAndANoteNotAFailure) {
  TempDir dir;
  write_run_log(dir.file("rank-0.log"), 0, 2, "r", 1);
  {
    Writer w(dir.file("rank-1.log"), 1, 2,
             "run_id=r\nstart_realtime_ns=1\nlogging_stopped=4160 No space left on device\n");
    w.call(kCall_Init, 1);
    w.close();
  }
  Model model;
  std::string error;
  ASSERT_TRUE(load_model(dir.path(), model, error)) << error;
  ASSERT_EQ(model.errors.size(), 1u);
  EXPECT_EQ(model.errors[0].offset, 4160u);
  EXPECT_NE(model.errors[0].message.find("logging stopped here (No space left on device)"), std::string::npos)
      << model.errors[0].message;
  ASSERT_NE(model.rank_log(1), nullptr);
  EXPECT_EQ(model.rank_log(1)->logging_stopped_at, std::optional<uint64_t>(4160));
  Analysis a = run_detectors(model);
  for (const Finding& f : a.findings) EXPECT_NE(f.kind, kKind_program_failed) << f.message;
  const nlohmann::json report = build_report(model, a);
  bool noted = false;
  for (const auto& n : report["notes"])
    noted = noted || n.get<std::string>().find("rank 1: events were lost from offset 4160") == 0;
  EXPECT_TRUE(noted) << report["notes"].dump();
}

// A module path from a log naming a FIFO: the symbolizer must not block opening it.
TEST(Symbolizer, FifoAsAModuleDoesNotBlock) {
  TempDir dir;
  const std::string fifo = dir.file("libfifo.so");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  ModuleMapping m;
  m.path = fifo;
  m.load_bias = m.start = 0x400000;
  m.end = 0x500000;
  Symbolizer s({m});
  const SourceLocation loc = s.lookup(0x400100);  // would hang in open(2) before
  EXPECT_TRUE(loc.file.empty());
}

}  // namespace
}  // namespace rmacheck
