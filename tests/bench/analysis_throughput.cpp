// Benchmark (not a test): generates synthetic per-rank logs in the real
// format, then times reading, happens-before and conflict detection, and
// prints events per second (of CPU time, one core) and peak memory.
//
//   analysis_throughput [--ranks 64] [--events 10000000] [--ops-per-epoch 200] [--dir DIR] [--only DETECTOR]
//                       [--fresh-buffers 1] [--pattern mixed|fence|lock_all|pscw]
//
// Each rank runs fence epochs; in each it Puts into its right neighbour's
// window (disjoint bytes per origin, so no races) and Gets from its left
// neighbour, with contiguous and strided datatypes; every 16th epoch uses a
// lock_all epoch with flushes and a barrier instead, to exercise those
// edges too (--pattern mixed, the default). --pattern fence: fence epochs
// only; lock_all: lock_all epochs only (flush_all every 50 operations,
// unlock_all, barrier); pscw: each rank posts to its left neighbour and
// starts an access epoch to its right one, Puts and Gets there (Gets from
// bytes nobody writes), completes and waits. --fresh-buffers 1: every operation's origin buffer is at a new
// address (a buffer allocated per iteration), so the memory the race
// detector keeps grows with the run unless it drops what can no longer race.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "detectors/detector.h"
#include "log_writer.h"
#include "model/model.h"
#include "record_buffer.h"

using namespace rmacheck;

namespace {

struct Args {
  int ranks = 64;
  long events = 10000000;
  int ops_per_epoch = 200;
  std::string dir = "/tmp/rmacheck-bench-logs";
  std::string only;  // run just this detector
  bool fresh_buffers = false;
  std::string pattern = "mixed";
};

constexpr int64_t kInt = 6, kVector = 1000, kWin = (int64_t{0} << 32) | 1;

class RankWriter {
 public:
  RankWriter(const std::string& path, int rank, int size) : rank_(rank) {
    std::string header = "rank=" + std::to_string(rank) + "\nsize=" + std::to_string(size) + "\n";
    std::string error;
    if (!log_.open(path, header, error)) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), error.c_str());
      std::exit(2);
    }
    RecordBuffer t;
    t.reset(kRecTypedef);
    for (int64_t v : {kInt, kInt, int64_t{4}, int64_t{0}, int64_t{4}, int64_t{0}, int64_t{4}, int64_t{0}, int64_t{1},
                      int64_t{0}, int64_t{4}, kInt})
      t.varint(v);
    log_.append(t.data(), t.size());
    t.reset(kRecTypedef);  // vector of 4 ints with stride 2
    for (int64_t v :
         {kVector, int64_t{-1}, int64_t{16}, int64_t{0}, int64_t{28}, int64_t{0}, int64_t{28}, int64_t{0}, int64_t{4}})
      t.varint(v);
    for (int k = 0; k < 4; ++k) t.varint(8 * k), t.varint(4), t.varint(kInt);
    log_.append(t.data(), t.size());
  }
  // One call that returned MPI_SUCCESS without outputs, as the interposer logs it (recorder.h, call
  // templates; each call id has one call site here): a CALL record whose exit word is stored in place,
  // or, after the first of its id, a CALL_REPEAT of that one's fields (all the same: no field; else the
  // fields that differ). Calls with a group argument are always logged in full.
  template <class F>
  void call(CallId c, F&& fields) {
    raw_.reset(kRecCall);  // the field values without deltas, to compare
    fields(raw_);
    const std::string values(reinterpret_cast<const char*>(raw_.data()), raw_.size());
    rec_.begin_call(c, 0, ++seq_, clock_ += 50, deltas_);
    const unsigned slot = 1 + static_cast<unsigned>(c) % (kTemplateSlots - 1);  // one call site per call id here
    rec_.template_slot(slot);
    Template& t = templates_[slot];
    if (t.call != c) t = Template{c};  // the slot's template was another call's
    const bool repeatable = c != kCall_Win_post && c != kCall_Win_start;
    if (repeatable && t.values == values) {
      rec_.repeat_call();
      rec_.repeat_same_listing(t.listing, t.listing_size);
    } else if (repeatable && !t.values.empty() && t.fields.usable) {
      rec_.compare_fields(&t.fields, &compared_);
      fields(rec_);
      if (rec_.end_fields())
        rec_.repeat_same_listing(t.listing, t.listing_size);
      else
        t.values = values, t.fields = compared_;
    } else {
      rec_.keep_fields(&t.fields);
      const int64_t pc = 0x401000 + c;
      rec_.array(kF_pcs, &pc, 1);
      fields(rec_);
      rec_.end_fields();
      t.values = values;
    }
    uint8_t* payload = log_.append(rec_.data(), rec_.size());
    clock_ += 50;
    if (payload) LogWriter::store_exit(payload, kExitReturned | 50);
    ++events_;
  }
  void end() {
    rec_.reset(kRecEnd);
    rec_.varint(clock_);
    log_.append(rec_.data(), rec_.size());
    log_.close();
  }
  long events() const { return events_; }
  void set_clock(int64_t t) { clock_ = t; }
  int64_t clock() const { return clock_; }

 private:
  LogWriter log_;
  RecordBuffer rec_, raw_;
  ThreadDeltas deltas_;
  struct Template {
    int call = -1;
    std::string values;  // the field values of the slot's last CALL record
    FieldList fields;
    // The slot's last CALL_REPEAT listing (a CALL_REPEAT_SAME repeats it); forgetting it is safe: the next
    // repeat then lists its fields again.
    uint8_t listing_size = RecordBuffer::kNoListing;
    uint8_t listing[kMaxRepeatedListing];
  };
  std::map<unsigned, Template> templates_;  // by template slot (log_format.h)
  FieldList compared_;
  int rank_;
  int64_t seq_ = 0, clock_ = 0;
  long events_ = 0;
};

// CPU time of this process: stable when other jobs share the machine (wall time is not).
double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int analyze(const Args& a);

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--ranks"))
      a.ranks = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--events"))
      a.events = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--ops-per-epoch"))
      a.ops_per_epoch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir"))
      a.dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--only"))
      a.only = argv[i + 1];
    else if (!std::strcmp(argv[i], "--fresh-buffers"))
      a.fresh_buffers = std::atoi(argv[i + 1]) != 0;
    else if (!std::strcmp(argv[i], "--pattern"))
      a.pattern = argv[i + 1];
  }
  if (a.pattern != "mixed" && a.pattern != "fence" && a.pattern != "lock_all" && a.pattern != "pscw") {
    std::fprintf(stderr, "analysis_throughput: --pattern is mixed, fence, lock_all or pscw, not '%s'\n",
                 a.pattern.c_str());
    return 2;
  }
  mkdir(a.dir.c_str(), 0755);
  // The logs are written by a child process, so that the peak memory measured below is the analysis's
  // (the writers' mapped chunks of 64 logs are larger than what the analyzer keeps).
  const pid_t writer = fork();
  if (writer < 0) {
    std::perror("fork");
    return 2;
  }
  if (writer > 0) {
    int status = 0;
    if (waitpid(writer, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 2;
    return analyze(a);
  }
  const double t_gen = cpu_now();
  std::vector<RankWriter*> w;
  for (int r = 0; r < a.ranks; ++r)
    w.push_back(new RankWriter(a.dir + "/rank-" + std::to_string(r) + ".log", r, a.ranks));
  const int64_t base = 0x7f0000000000;
  const int64_t win_bytes = int64_t{8} * a.ops_per_epoch * 64;
  for (int r = 0; r < a.ranks; ++r)
    w[r]->call(kCall_Win_create, [&](RecordBuffer& b) {
      b.field(kF_new_win, kWin);
      b.field(kF_win_flavor, kWinAllocate);
      std::vector<int64_t> m(a.ranks), bases(a.ranks, base), sizes(a.ranks, win_bytes), units(a.ranks, 4);
      for (int k = 0; k < a.ranks; ++k) m[k] = k;
      b.array(kF_members, m.data(), m.size());
      b.array(kF_win_bases, bases.data(), bases.size());
      b.array(kF_win_sizes, sizes.data(), sizes.size());
      b.array(kF_win_units, units.data(), units.size());
    });
  const long per_rank = a.events / a.ranks;
  const bool fences = a.pattern == "mixed" || a.pattern == "fence", pscw = a.pattern == "pscw";
  for (int epoch = 0; w[0]->events() < per_rank; ++epoch) {
    const bool passive = a.pattern == "lock_all" || (a.pattern == "mixed" && epoch % 16 == 15);
    int64_t sync = 0;
    for (auto* x : w) sync = std::max(sync, x->clock());
    for (int r = 0; r < a.ranks; ++r) {
      RankWriter& rw = *w[r];
      rw.set_clock(sync);
      const int right = (r + 1) % a.ranks, left = (r + a.ranks - 1) % a.ranks;
      // A passive epoch first closes the fence epoch (fence with NOSUCCEED), as MPI requires.
      if (fences)
        rw.call(kCall_Win_fence, [&](RecordBuffer& b) {
          b.field(kF_win, kWin);
          b.field(kF_assert, passive ? kModeNoSucceed : 0);
        });
      if (pscw) {
        rw.call(kCall_Win_post, [&](RecordBuffer& b) {
          b.field(kF_win, kWin);
          const int64_t g = left;
          b.array(kF_group, &g, 1);
          b.field(kF_assert, 0);
        });
        rw.call(kCall_Win_start, [&](RecordBuffer& b) {
          b.field(kF_win, kWin);
          const int64_t g = right;
          b.array(kF_group, &g, 1);
          b.field(kF_assert, 0);
        });
      }
      if (passive)
        rw.call(kCall_Win_lock_all, [&](RecordBuffer& b) {
          b.field(kF_win, kWin);
          b.field(kF_assert, 0);
        });
      for (int k = 0; k < a.ops_per_epoch; ++k) {
        const bool put = k % 2 == 0;
        rw.call(put ? kCall_Put : kCall_Get, [&](RecordBuffer& b) {
          b.field(kF_win, kWin);
          b.field(kF_target, put || pscw ? right : left);
          // Origin r writes only its own slice of the target: disjoint, so no conflicts.
          b.field(kF_disp, (put ? 0 : win_bytes / 8) + (k / 2) * 16 + 0);
          // 4 ints at the origin: one strided vector of 4 ints, or 4 contiguous ints, at the target.
          b.field(kF_target_count, k % 4 == 0 ? 1 : 4);
          b.field(kF_target_type, k % 4 == 0 ? kVector : kInt);
          // A buffer per operation: reuse within an epoch would race.
          const int64_t op = a.fresh_buffers ? int64_t{epoch} * a.ops_per_epoch + k : k;
          b.field(kF_origin_addr, 0x500000 + 64 * op);
          b.field(kF_origin_count, 4);
          b.field(kF_origin_type, kInt);
        });
        if (passive && k % 50 == 49) rw.call(kCall_Win_flush_all, [&](RecordBuffer& b) { b.field(kF_win, kWin); });
      }
      if (passive) {
        rw.call(kCall_Win_unlock_all, [&](RecordBuffer& b) { b.field(kF_win, kWin); });
        rw.call(kCall_Barrier, [&](RecordBuffer& b) { b.field(kF_comm, 1); });
      }
      if (pscw) {
        rw.call(kCall_Win_complete, [&](RecordBuffer& b) { b.field(kF_win, kWin); });
        rw.call(kCall_Win_wait, [&](RecordBuffer& b) { b.field(kF_win, kWin); });
      }
    }
  }
  for (int r = 0; r < a.ranks; ++r) {
    if (fences)
      w[r]->call(kCall_Win_fence, [&](RecordBuffer& b) {
        b.field(kF_win, kWin);
        b.field(kF_assert, kModeNoSucceed);
      });
    w[r]->call(kCall_Win_free, [&](RecordBuffer& b) { b.field(kF_win, kWin); });
    w[r]->call(kCall_Finalize, [](RecordBuffer&) {});
  }
  long total = 0;
  for (auto* x : w) total += x->events(), x->end(), delete x;
  std::printf("generated %ld events on %d ranks in %.1f s (%s)\n", total, a.ranks, cpu_now() - t_gen, a.dir.c_str());
  std::fflush(stdout);
  return 0;
}

namespace {
int analyze(const Args& a) {
  const double t0 = cpu_now();
  Model model;
  std::string error;
  if (!load_model(a.dir, model, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  const double t_read = cpu_now() - t0;
  long total = 0;
  for (const RankLog& log : model.logs) total += static_cast<long>(log.events.size());
  Analysis out;
  AnalysisContext ctx(model);  // shared analyses are timed with the first detector that needs them
  double t_detect = 0;
  for (auto& d : all_detectors()) {
    if (!a.only.empty() && a.only != d->name()) continue;
    const double t1 = cpu_now();
    d->run(ctx, out);
    const double t = cpu_now() - t1;
    t_detect += t;
    std::printf("  %-16s %7.2f s  %10.0f events/s\n", d->name(), t, total / t);
  }
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("read:      %7.2f s  %10.0f events/s\n", t_read, total / t_read);
  std::printf("detectors: %7.2f s  %10.0f events/s\n", t_detect, total / t_detect);
  std::printf("total:     %7.2f s  %10.0f events/s\n", t_read + t_detect, total / (t_read + t_detect));
  std::printf("findings:  %zu (expected 0)\n", out.findings.size());
  std::printf("peak RSS:  %.2f GiB (%.0f bytes/event)\n", ru.ru_maxrss / 1048576.0, ru.ru_maxrss * 1024.0 / total);
  return out.findings.empty() ? 0 : 1;
}
}  // namespace
