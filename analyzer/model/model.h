// Everything the detectors consume: all ranks' logs, and the objects
// rebuilt from them (windows with every member's geometry, communicators),
// plus what the launcher knew about the run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "log/log_reader.h"

namespace rmacheck {

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
};

struct CommModel {
  int64_t id = 0;
  std::vector<int> members;  // world ranks, in communicator rank order
};

// What `rmacheck run` knew (run.json); absent when the logs came from a plain mpirun.
struct RunMeta {
  bool present = false;
  std::vector<std::string> command;
  int ranks = 0;
  std::optional<int> exit_status;
  std::optional<int> exit_signal;
  bool timed_out = false;
  double timeout_s = 0;
  double duration_s = 0;
};

class Model {
 public:
  std::string dir;
  RunMeta meta;
  std::vector<RankLog> logs;     // sorted by rank
  std::vector<LogError> errors;  // damage found while reading
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
  std::map<int, size_t> by_rank_;
  friend bool load_model(const std::string&, Model&, std::string&);
  friend void add_rank_log(Model&, RankLog&&);
};

// Reads DIR/rank-*.log and DIR/run.json. Damaged logs add to model.errors and
// are used as far as they go. Returns false (with `error`) when no log at all is usable.
bool load_model(const std::string& dir, Model& model, std::string& error);
// For tests building a model from hand-made logs.
void add_rank_log(Model& model, RankLog&& log);

}  // namespace rmacheck
