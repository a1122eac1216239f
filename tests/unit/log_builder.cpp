#include "log_builder.h"

#include <algorithm>

namespace rmacheck {

namespace {
constexpr int64_t kFileId = 1, kFuncId = 2;
}

LogBuilder::LogBuilder(int world_size) : logs_(static_cast<size_t>(world_size)) {
  for (int r = 0; r < world_size; ++r) {
    RankLog& log = logs_[static_cast<size_t>(r)];
    log.rank = r;
    log.world_size = world_size;
    log.path = "rank-" + std::to_string(r) + ".log";
    log.strings[kFileId] = "test.py";
    log.strings[kFuncId] = "<module>";
    log.finished = true;
  }
  meta_.ranks = world_size;
}

EventBuilder LogBuilder::call(int rank, CallId call, int line) {
  RankLog& log = logs_.at(static_cast<size_t>(rank));
  if (log.thread_ids.empty()) log.thread_ids.push_back(0);  // slot 0, every event's until thread() names another
  Event e;
  e.call = call;
  e.t_enter = clock_++;
  e.t_exit = clock_++;
  e.returned = true;
  log.events.push_back(e);
  log.set_seq(static_cast<uint32_t>(log.events.size() - 1), static_cast<int64_t>(log.events.size()));
  log.pool.add(log.events.back(), kF_py_file, kFileId);
  log.pool.add(log.events.back(), kF_py_line, line);
  log.pool.add(log.events.back(), kF_py_func, kFuncId);
  return EventBuilder(*this, rank, static_cast<uint32_t>(log.events.size() - 1));
}

EventBuilder& EventBuilder::f(FieldId f, int64_t v) {
  RankLog& log = b_.logs_[static_cast<size_t>(rank_)];
  log.pool.add(log.events[index_], f, v);
  return *this;
}

EventBuilder& EventBuilder::a(FieldId f, std::vector<int64_t> values) {
  RankLog& log = b_.logs_[static_cast<size_t>(rank_)];
  log.pool.add_array(log.events[index_], f, values.data(), values.size());
  return *this;
}

EventBuilder& EventBuilder::thread(int64_t id) {
  RankLog& log = b_.logs_[static_cast<size_t>(rank_)];
  auto& ids = log.thread_ids;
  auto it = std::find(ids.begin(), ids.end(), static_cast<int32_t>(id));
  if (it == ids.end()) it = ids.insert(ids.end(), static_cast<int32_t>(id));
  log.events[index_].thread_slot = static_cast<uint16_t>(it - ids.begin());
  return *this;
}

EventBuilder& EventBuilder::unreturned() {
  RankLog& log = b_.logs_[static_cast<size_t>(rank_)];
  log.events[index_].returned = false;
  log.finished = false;
  return *this;
}

EventBuilder& EventBuilder::at(int64_t t_enter, int64_t t_exit) {
  Event& e = b_.logs_[static_cast<size_t>(rank_)].events[index_];
  e.t_enter = t_enter;
  e.t_exit = t_exit;
  return *this;
}

EventBuilder& EventBuilder::rc(int64_t code) {
  b_.logs_[static_cast<size_t>(rank_)].events[index_].rc = static_cast<int32_t>(code);
  return *this;
}

void LogBuilder::unfinished(int rank) { logs_.at(static_cast<size_t>(rank)).finished = false; }

void LogBuilder::type(int rank, int64_t id, int64_t size, int64_t extent, std::vector<TypeBlockRec> blocks,
                      int32_t basic) {
  TypeLayout t;
  t.id = id;
  t.basic = basic;
  t.size = size;
  t.extent = extent;
  t.true_extent = extent;
  t.blocks = std::move(blocks);
  logs_.at(static_cast<size_t>(rank)).types[id] = std::move(t);
}

void LogBuilder::timed_out(double seconds) {
  meta_.present = true;
  meta_.timed_out = true;
  meta_.timeout_s = seconds;
}

void LogBuilder::window_on_every_rank(int64_t win, int64_t flavor, int64_t base, int64_t size, int64_t disp_unit,
                                      int line) {
  const int n = static_cast<int>(logs_.size());
  std::vector<int64_t> members, bases, sizes, units;
  for (int r = 0; r < n; ++r)
    members.push_back(r), bases.push_back(base), sizes.push_back(size), units.push_back(disp_unit);
  for (int r = 0; r < n; ++r)
    call(r, kCall_Win_create, line)
        .f(kF_new_win, win)
        .f(kF_win_flavor, flavor)
        .a(kF_members, members)
        .a(kF_win_bases, bases)
        .a(kF_win_sizes, sizes)
        .a(kF_win_units, units);
}

void LogBuilder::share_fields(Model& m, EventRef from, EventRef to) {
  for (RankLog& log : m.logs) {
    if (log.rank != from.rank) continue;
    Event& f = log.events.at(from.index);
    Event& e = log.events.at(to.index);
    e.fields_begin = f.fields_begin, e.field_count = f.field_count, e.present = f.present;
    e.fields_shared = f.fields_shared = true;
  }
}

Model LogBuilder::build() {
  Model m;
  m.meta = meta_;
  for (RankLog& log : logs_) add_rank_log(m, std::move(log));
  logs_.clear();
  m.index_objects();
  return m;
}

}  // namespace rmacheck
