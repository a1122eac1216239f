#include "model/model.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace rmacheck {

const RankLog* Model::rank_log(int rank) const {
  if (rank >= 0 && static_cast<size_t>(rank) < dense_.size())
    return dense_[static_cast<size_t>(rank)] < 0 ? nullptr
                                                 : &logs[static_cast<size_t>(dense_[static_cast<size_t>(rank)])];
  auto it = std::lower_bound(logs.begin(), logs.end(), rank, [](const RankLog& l, int r) { return l.rank < r; });
  return it == logs.end() || it->rank != rank ? nullptr : &*it;
}

std::string Model::window_name(int64_t id) const {
  auto it = windows.find(id);
  return it == windows.end() ? "win?" : it->second.name;
}

bool Model::complete() const {
  if (logs.empty() || (world_size > 0 && static_cast<int>(logs.size()) < world_size)) return false;
  return std::all_of(logs.begin(), logs.end(), [](const RankLog& l) { return l.finished; });
}

void add_rank_log(Model& model, RankLog&& log) {
  model.world_size = std::max(model.world_size, log.world_size);
  model.logs.push_back(std::move(log));
  model.index_ranks();
}

void Model::index_ranks() {
  std::sort(logs.begin(), logs.end(), [](const RankLog& a, const RankLog& b) { return a.rank < b.rank; });
  // Ranks are dense in any real run: index them directly, as far as the logs make that cheap (a damaged
  // header's rank 2^31 falls back to the binary search of rank_log).
  dense_.assign(logs.size() * 4 + 64, -1);
  for (size_t i = 0; i < logs.size(); ++i)
    if (logs[i].rank >= 0 && static_cast<size_t>(logs[i].rank) < dense_.size())
      dense_[static_cast<size_t>(logs[i].rank)] = static_cast<int32_t>(i);
}

void Model::index_objects() {
  windows.clear();
  comms.clear();
  comms[1] = {1, {}};  // MPI_COMM_WORLD
  for (int r = 0; r < world_size; ++r) comms[1].members.push_back(r);
  // Windows are named in the order their creation appears, scanning ranks in order:
  // every member logs the creation, so the lowest surviving rank decides.
  std::vector<int64_t> order;  // window ids, first sighting first
  for (const RankLog& log : logs) {
    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const Event& e = log.events[i];
      EventView v = log.view(e);
      if (auto w = v.get(kF_new_win)) {
        WindowModel& wm = windows[*w];
        if (wm.created.empty()) {
          wm.id = *w;
          wm.flavor = static_cast<int>(v.get_or(kF_win_flavor, 0));
          // One (member, base, size, unit) per window rank. A damaged record's extra entries,
          // missing ones and members that are no rank of the run are dropped here, once.
          const Values members = v.array(kF_members), bases = v.array(kF_win_bases), sizes = v.array(kF_win_sizes),
                       units = v.array(kF_win_units);
          for (size_t k = 0; k < members.size; ++k) {
            if (members[k] < 0 || members[k] >= world_size) continue;
            wm.members.push_back(static_cast<int>(members[k]));
            wm.bases.push_back(k < bases.size ? bases[k] : 0);
            wm.sizes.push_back(k < sizes.size ? sizes[k] : 0);
            wm.units.push_back(k < units.size ? units[k] : 1);
          }
          wm.members_in_world_order = true;
          for (size_t k = 0; k < wm.members.size(); ++k)
            wm.members_in_world_order = wm.members_in_world_order && wm.members[k] == static_cast<int>(k);
          order.push_back(*w);
        }
        wm.created[log.rank] = {log.rank, i};
      } else if (e.call == kCall_Win_free) {
        if (auto w = v.get(kF_win)) windows[*w].freed[log.rank] = {log.rank, i};
      }
      if (auto c = v.get(kF_new_comm)) {
        CommModel& cm = comms[*c];
        if (cm.members.empty()) {
          cm.id = *c;
          for (int64_t m : v.array(kF_members))
            if (m >= 0 && m < world_size) cm.members.push_back(static_cast<int>(m));
        }
      }
    }
  }
  int k = 0;
  for (int64_t id : order) windows[id].name = "win#" + std::to_string(k++);
}

namespace {

// DIR/run.json if there is one. A file that is there but unusable is an error
// (it would change what the report says); a missing one is the plain route.
bool read_meta(const std::string& path, RunMeta& meta, std::string& error) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return true;
  if (!S_ISREG(st.st_mode)) {
    error = path + ": is not a regular file";
    return false;
  }
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot read";
    return false;
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = path + ": is not valid JSON";
    return false;
  }
  std::string why;
  if (!parse_run_meta(j, meta, why)) {
    error = path + ": " + why;
    return false;
  }
  return true;
}

std::string header_value(const RankLog& log, const char* key) {
  auto it = log.header.find(key);
  return it == log.header.end() ? std::string() : it->second;
}

// The run id the logs must carry: run.json's, or without it (the plain route)
// that of the log that started last, so that an earlier job's leftovers lose.
std::string expected_run_id(const RunMeta& meta, const std::vector<RankLog>& logs) {
  if (meta.present) return meta.run_id;
  std::string id;
  long long newest = -1;
  for (const RankLog& log : logs) {
    long long t = std::atoll(header_value(log, "start_realtime_ns").c_str());
    if (t > newest) newest = t, id = header_value(log, "run_id");
  }
  return id;
}

// The run's size: run.json's, else the size most logs of the run name (ties: the larger).
int run_size(const RunMeta& meta, const std::vector<RankLog>& logs) {
  if (meta.present && meta.ranks > 0) return meta.ranks;
  std::map<int, int> votes;
  for (const RankLog& log : logs) ++votes[log.world_size];
  int size = 0, most = 0;
  for (const auto& [s, n] : votes)
    if (n >= most) size = s, most = n;
  return size;
}

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return path.substr(slash == std::string::npos ? 0 : slash + 1);
}

// N of a file named rank-N.log (digits only), else nothing.
std::optional<int> named_rank(const std::string& path) {
  const std::string name = base_name(path);
  if (name.size() <= 9 || name.rfind("rank-", 0) != 0) return std::nullopt;
  const std::string digits = name.substr(5, name.size() - 9);  // between "rank-" and ".log"
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return static_cast<int>(std::strtol(digits.c_str(), nullptr, 10));
}

}  // namespace

bool load_model(const std::string& dir, Model& model, std::string& error, const RunMeta* meta,
                const LogFileReader& reader) {
  model.dir = dir;
  DIR* d = opendir(dir.c_str());
  if (!d) {
    error = dir + ": cannot open log directory";
    return false;
  }
  std::vector<std::string> files;
  while (dirent* ent = readdir(d)) {
    std::string n = ent->d_name;
    if (n.rfind("rank-", 0) == 0 && n.size() > 9 && n.compare(n.size() - 4, 4, ".log") == 0)
      files.push_back(dir + "/" + n);
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  if (meta)
    model.meta = *meta;
  else if (!read_meta(dir + "/run.json", model.meta, error))
    return false;
  std::vector<ReadLog> read;
  if (reader) {
    reader(files, read);
  } else {
    read.resize(files.size());
    for (size_t i = 0; i < files.size(); ++i) read[i].usable = read_rank_log(files[i], read[i].log);
  }
  std::vector<RankLog> usable;
  for (ReadLog& r : read) {
    model.errors.insert(model.errors.end(), r.log.errors.begin(), r.log.errors.end());
    if (r.usable) usable.push_back(std::move(r.log));
  }
  read.clear();
  // A log without a run id is from an rmacheck that wrote none; it matches only an equally old run.json.
  const std::string want = expected_run_id(model.meta, usable);
  std::vector<RankLog> of_run;
  for (RankLog& log : usable) {
    const std::string id = header_value(log, "run_id");
    if (id != want) {
      model.left_out.push_back(log.path + ": a log of another run (run id " + (id.empty() ? "none" : id) +
                               ", this run is " + (want.empty() ? "none" : want) + "): left out");
      continue;
    }
    of_run.push_back(std::move(log));
  }
  // The run's size: run.json's, else what most logs say. A log that disagrees, names
  // another rank than its file name, or repeats a rank is left out (a damaged or planted file).
  const int size = run_size(model.meta, of_run);
  // Logs under their own name (rank-N.log for rank N) first: a copy under another name loses.
  std::stable_partition(of_run.begin(), of_run.end(), [](const RankLog& log) {
    return base_name(log.path) == "rank-" + std::to_string(log.rank) + ".log";
  });
  std::set<int> ranks;
  for (RankLog& log : of_run) {
    const std::string why =
        log.world_size != size
            ? "says the run had " + std::to_string(log.world_size) + " ranks, not " + std::to_string(size)
        : named_rank(log.path) && *named_rank(log.path) != log.rank
            ? "is named for rank " + std::to_string(*named_rank(log.path)) + " but its header says rank " +
                  std::to_string(log.rank)
        : ranks.count(log.rank) ? "repeats rank " + std::to_string(log.rank) + ", whose log was read already"
                                : "";
    if (!why.empty()) {
      model.left_out.push_back(log.path + ": " + why + ": left out");
      continue;
    }
    ranks.insert(log.rank);
    model.world_size = std::max(model.world_size, log.world_size);
    model.logs.push_back(std::move(log));
  }
  model.index_ranks();
  model.world_size = std::max(model.world_size, model.meta.ranks);
  // Every clock of the happens-before analysis has one entry per rank: a size far past
  // the logs that are here is a damaged header or run.json, not a run to analyze.
  if (model.world_size > kMaxRanksWithoutLogs && model.logs.size() * 16 < static_cast<size_t>(model.world_size)) {
    error = dir + ": the run had " + std::to_string(model.world_size) + " ranks but only " +
            std::to_string(model.logs.size()) + " of their logs are here (a damaged header or run.json?)";
    model.logs.clear();
    model.index_ranks();
    return false;
  }
  for (int r = 0; r < model.world_size; ++r)
    if (!model.rank_log(r)) model.missing_ranks.push_back(r);
  if (model.logs.empty()) {
    error = files.empty()    ? dir + ": no rank logs (rank-*.log) found"
            : usable.empty() ? dir + ": no readable rank log"
                             : dir + ": no log of this run (" + model.left_out.front() + ")";
    return false;
  }
  model.index_objects();
  return true;
}

}  // namespace rmacheck
