// Reads one rank's log into events, strings, module map and datatype
// layouts. Damage (bad header, unknown version, torn or corrupt records,
// truncation) is reported as one-line errors naming file and offset; what
// was read before the damage is kept.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "log/event.h"
#include "log/symbolizer.h"

namespace rmacheck {

struct TypeBlockRec {
  int64_t offset, length;
  int32_t basic;
};
struct TypeLayout {
  int64_t id = 0;
  int32_t basic = -1;  // basic code when the type is predefined
  int64_t size = 0, lb = 0, extent = 0, true_lb = 0, true_extent = 0;
  bool truncated = false;
  std::vector<TypeBlockRec> blocks;
};

// The most ranks a log header may name (the interposer's own limit for numbers from the environment).
constexpr int kMaxWorldSize = 1 << 20;

struct LogError {
  std::string file;
  uint64_t offset = 0;
  std::string message;
  std::string str() const;  // "file: offset N: message"
};

struct RankLog {
  std::string path;
  int rank = -1;
  int world_size = 0;
  std::map<std::string, std::string> header;
  std::vector<Event> events;  // in entry order
  FieldPool pool;
  std::unordered_map<int64_t, std::string> strings;
  std::vector<ModuleMapping> modules;
  std::unordered_map<int64_t, TypeLayout> types;
  bool finished = false;                  // an END record: the rank left MPI_Finalize
  std::vector<std::string> instrumented;  // modules whose loads and stores were logged (rmacheck mpicc)
  int fatal_signal = 0;  // a SIGNAL record: the rank received this fatal signal (SIGSEGV, SIGABRT, ...)
  int64_t signal_time = 0;
  // An EXIT record: the process called _exit(exit_status) (how Open MPI ends a rank
  // whose call failed under MPI_ERRORS_ARE_FATAL); exit_thread was inside a call if exit_in_call.
  std::optional<int> exit_status;
  int64_t exit_thread = 0;
  bool exit_in_call = false;
  std::map<int, std::string> error_strings;  // MPI_Error_string of every error class, logged at MPI_Init
  std::string guard;                         // key=value lines: loads and stores seen through guarded pages (kRecGuard)
  std::vector<LogError> errors;
  // The writer could not grow the file (disk full): nothing from this offset on
  // was logged, although the rank may have gone on (and finished).
  std::optional<uint64_t> logging_stopped_at;

  // Seqs more than 2^31 from their event's index (only a damaged or hostile log has them).
  std::unordered_map<uint32_t, int64_t> far_seqs;

  // The thread numbers the log gave, by Event::thread_slot (at most 2^16 threads per rank).
  std::vector<int32_t> thread_ids;

  EventView view(const Event& e) const { return EventView(e, pool); }
  int32_t thread(const Event& e) const { return e.thread_slot < thread_ids.size() ? thread_ids[e.thread_slot] : 0; }
  // The seq the log gave events[i] (Event::seq_delta).
  int64_t seq(uint32_t i) const {
    const int32_t d = events[i].seq_delta;
    return d != kFarSeq ? static_cast<int64_t>(static_cast<uint64_t>(i) + static_cast<uint64_t>(int64_t{d}))
                        : far_seqs.at(i);
  }
  void set_seq(uint32_t i, int64_t seq) {
    const int64_t d = static_cast<int64_t>(static_cast<uint64_t>(seq) - i);
    if (d > INT32_MIN && d <= INT32_MAX) {
      if (events[i].seq_delta == kFarSeq) far_seqs.erase(i);  // only a seq set again can have been far
      events[i].seq_delta = static_cast<int32_t>(d);
    } else {
      events[i].seq_delta = kFarSeq;
      far_seqs[i] = seq;
    }
  }
  std::string string(int64_t id) const;
  // The index of the stop note (where a stop signal found a thread outside MPI: a kCall_Stopped
  // event), the last one if there are several; none if the rank was not stopped that way.
  std::optional<uint32_t> stop_note() const;
  // The stop note found the thread in rmacheck's own code (a wrapper outside its MPI call, the
  // guard's fault handler): a hang there is rmacheck's defect, not the program's.
  bool stopped_in_rmacheck(uint32_t note) const { return view(events[note]).get_or(kF_in_rmacheck, 0) != 0; }
};

// Returns false (with an error in `out.errors`) only when nothing usable could be read.
bool read_rank_log(const std::string& path, RankLog& out);

}  // namespace rmacheck
