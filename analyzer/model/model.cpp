#include "model/model.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

namespace rmacheck {

const RankLog* Model::rank_log(int rank) const {
  auto it = by_rank_.find(rank);
  return it == by_rank_.end() ? nullptr : &logs[it->second];
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
  std::sort(model.logs.begin(), model.logs.end(), [](const RankLog& a, const RankLog& b) { return a.rank < b.rank; });
  model.by_rank_.clear();
  for (size_t i = 0; i < model.logs.size(); ++i) model.by_rank_[model.logs[i].rank] = i;
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
          for (int64_t m : v.array(kF_members)) wm.members.push_back(static_cast<int>(m));
          for (int64_t x : v.array(kF_win_bases)) wm.bases.push_back(x);
          for (int64_t x : v.array(kF_win_sizes)) wm.sizes.push_back(x);
          for (int64_t x : v.array(kF_win_units)) wm.units.push_back(x);
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
          for (int64_t m : v.array(kF_members)) cm.members.push_back(static_cast<int>(m));
        }
      }
    }
  }
  int k = 0;
  for (int64_t id : order) windows[id].name = "win#" + std::to_string(k++);
}

namespace {
void read_meta(const std::string& path, RunMeta& meta) {
  std::ifstream in(path);
  if (!in) return;
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return;
  meta.present = true;
  if (j.contains("command")) meta.command = j["command"].get<std::vector<std::string>>();
  meta.ranks = j.value("ranks", 0);
  if (j.contains("exit_status") && j["exit_status"].is_number()) meta.exit_status = j["exit_status"].get<int>();
  if (j.contains("exit_signal") && j["exit_signal"].is_number()) meta.exit_signal = j["exit_signal"].get<int>();
  meta.timed_out = j.value("timed_out", false);
  meta.timeout_s = j.value("timeout_s", 0.0);
  meta.duration_s = j.value("duration_s", 0.0);
}
}  // namespace

bool load_model(const std::string& dir, Model& model, std::string& error) {
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
  read_meta(dir + "/run.json", model.meta);
  for (const std::string& f : files) {
    RankLog log;
    bool usable = read_rank_log(f, log);
    model.errors.insert(model.errors.end(), log.errors.begin(), log.errors.end());
    if (usable) add_rank_log(model, std::move(log));
  }
  if (model.meta.ranks > model.world_size) model.world_size = model.meta.ranks;
  if (model.logs.empty()) {
    error = files.empty() ? dir + ": no rank logs (rank-*.log) found" : dir + ": no readable rank log";
    return false;
  }
  model.index_objects();
  return true;
}

}  // namespace rmacheck
