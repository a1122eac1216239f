// Everything the detectors consume: all ranks' logs, and the objects
// rebuilt from them (windows with every member's geometry, communicators),
// plus what the launcher knew about the run.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "log/log_reader.h"
#include "model/run_meta.h"

namespace rmacheck {

// Up to this many ranks a run is analyzed whatever number of logs is there;
// past it at least one rank in 16 must have left a log (see load_model).
constexpr int kMaxRanksWithoutLogs = 4096;

struct EventRef {
  int rank = -1;
  uint32_t index = 0;
  bool operator<(const EventRef& o) const { return rank != o.rank ? rank < o.rank : index < o.index; }
  bool operator==(const EventRef& o) const { return rank == o.rank && index == o.index; }
};

struct WindowModel {
  int64_t id = 0;
  std::string name;          // "win#0", by order of creation
  int flavor = 0;            // WindowFlavor
  std::vector<int> members;  // world rank of each window rank
  std::vector<int64_t> bases, sizes, units;
  std::map<int, EventRef> created, freed;  // per world rank
  // members[i] == i for every window rank (a window over MPI_COMM_WORLD, in its order): window_rank() looks
  // nothing up. Set by Model::index_objects.
  bool members_in_world_order = false;
  // The window rank of world rank `world` (the first, if a damaged log names it twice), members.size() if
  // it is no member. A scan of 64 members per RMA call was the race walk's costliest loop.
  size_t window_rank(int64_t world) const {
    if (members_in_world_order)
      return world >= 0 && world < static_cast<int64_t>(members.size()) ? static_cast<size_t>(world) : members.size();
    size_t r = 0;
    while (r < members.size() && members[r] != world) ++r;
    return r;
  }
};

struct CommModel {
  int64_t id = 0;
  std::vector<int> members;  // world ranks, in communicator rank order
};

// One log file as read_rank_log left it: whether it is usable, and what was read.
struct ReadLog {
  bool usable = false;
  RankLog log;
};
// Who reads the log files: without one, this process, one file after the other; a parallel
// analysis shares the files out among its processes (parallel/mpi_analyze_main.cpp). It fills
// `out` with one ReadLog per file, in the order of `files`.
using LogFileReader = std::function<void(const std::vector<std::string>& files, std::vector<ReadLog>& out)>;

class Model {
 public:
  std::string dir;
  RunMeta meta;
  std::vector<RankLog> logs;     // sorted by rank
  std::vector<LogError> errors;  // damage found while reading
  // Logs left out, one line each ("DIR/rank-2.log: a log of another run ...").
  std::vector<std::string> left_out;
  // Ranks of the run that left no usable log: their events are not checked.
  std::vector<int> missing_ranks;
  std::map<int64_t, WindowModel> windows;
  std::map<int64_t, CommModel> comms;
  int world_size = 0;

  const RankLog* rank_log(int rank) const;
  const Event& event(EventRef r) const { return rank_log(r.rank)->events[r.index]; }
  EventView view(EventRef r) const { return rank_log(r.rank)->view(event(r)); }
  std::string window_name(int64_t id) const;
  // Every rank finished MPI_Finalize normally.
  bool complete() const;

  // Rebuilds windows and communicators from the events (called by load_model; public for tests).
  void index_objects();

 private:
  void index_ranks();           // sorts logs by rank and indexes them
  std::vector<int32_t> dense_;  // rank -> index into logs (-1: no log), for ranks below its size
  friend bool load_model(const std::string&, Model&, std::string&, const RunMeta*, const LogFileReader&);
  friend void add_rank_log(Model&, RankLog&&);
};

// Reads DIR/rank-*.log and DIR/run.json. Damaged logs add to model.errors and
// are used as far as they go; a log of another run (its header's run id is
// not run.json's, or, without run.json, not that of the newest logs) is left
// out with a line in model.left_out. Returns false (with `error`) when no
// log at all is usable or run.json is malformed.
// With `meta` (rmacheck run, which knows it first hand) DIR/run.json is not read.
bool load_model(const std::string& dir, Model& model, std::string& error, const RunMeta* meta = nullptr,
                const LogFileReader& reader = nullptr);
// For tests building a model from hand-made logs.
void add_rank_log(Model& model, RankLog&& log);

}  // namespace rmacheck
