// libgomp's explicit tasks, taskloops, detached tasks, taskwaits, taskgroups and doacross loops, as
// thread_sync.cpp's release/acquire records (the rest of OpenMP, teams, barriers, locks and OMPT, is
// there); and the edges of a task that OMPT's tasks (thread_sync.cpp) share.
//
// GOMP_task gets the task as fn(data), where libgomp copies arg_size bytes of data (or calls
// cpyfn(copy, data)) for a deferred task and calls fn on the copy later, on any thread of the team;
// an undeferred task (if(0), final, a full queue, no team) runs inside GOMP_task. The wrapper
// hands libgomp a bigger block instead: a TaskHeader and the task's dependences first, the program's
// data after them at data_offset, and task_body as fn, which logs around the program's fn:
// - creation -> start: the creator releases the task's token, the start acquires it;
// - end -> the parent's taskwait: the end releases the parent's token + 1, taskwait acquires it;
// - end -> the end of the taskgroup the task was created in (its descendants inherit the group);
// - end -> every departure from the next team barrier and from the join (the team's `tasks`);
// - dependences between siblings (same parent), per address: the end of an out, inout or
//   mutexinoutset task releases the address's writers object, the end of an in task its readers
//   object; an in task's start acquires the writers object, the others' acquire both.
// An acquire follows every release of its object logged so far, so a start also follows tasks
// that are not its predecessors but happened to end before it on the same objects (siblings of the
// same address and kind): more order than OpenMP gives, never less.
#include <omp.h>

#include <algorithm>
#include <cstdarg>
#include <cstring>
#include <new>

#include "runtime.h"
#include "thread_sync_internal.h"

using namespace rmacheck;
using namespace rmacheck::thread_sync;

namespace rmacheck::thread_sync {

// The dimensions of the doacross loop the calling thread is in (GOMP_loop_*doacross_*_start).
__thread unsigned t_doacross_dims = 0;

int64_t dependence_object(int64_t parent, const void* addr, bool writers) {
  uint64_t h = static_cast<uint64_t>(parent) * 0x9E3779B97F4A7C15ull;
  h ^= reinterpret_cast<uintptr_t>(addr) + (writers ? 0x632BE59BD9B4E019ull : 0);
  h ^= h >> 31, h *= 0xBF58476D1CE4E5B9ull, h ^= h >> 29;
  return (int64_t{1} << 57) | static_cast<int64_t>(h & ((uint64_t{1} << 56) - 1));
}

void log_task_start(int64_t token, const TaskDep* deps, uint32_t ndeps, SyncRuntime by) {
  log_sync(kSyncAcquire, token, 1, by);
  for (uint32_t i = 0; i < ndeps; ++i) {
    acquire_token(deps[i].writers, by);
    if (deps[i].out) acquire_token(deps[i].readers, by);
  }
}
void log_task_end(const TaskDep* deps, uint32_t ndeps, int64_t parent, int64_t group, int64_t team_tasks,
                  SyncRuntime by) {
  for (uint32_t i = 0; i < ndeps; ++i) release_token(deps[i].out ? deps[i].writers : deps[i].readers, by);
  release_token(parent + 1, by);
  if (group) release_token(group, by);
  if (team_tasks) release_token(team_tasks, by);
}

int64_t doacross_object(int64_t team, const uint64_t* vec, unsigned n) {
  uint64_t h = static_cast<uint64_t>(team) * 0x9E3779B97F4A7C15ull ^ n;
  for (unsigned i = 0; i < n; ++i) {
    h ^= vec[i] + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
    h ^= h >> 31, h *= 0xBF58476D1CE4E5B9ull, h ^= h >> 29;
  }
  return (int64_t{1} << 58) | static_cast<int64_t>(h & ((uint64_t{1} << 56) - 1));
}

}  // namespace rmacheck::thread_sync

namespace {

inline bool logging() { return logging_now(); }

struct TaskHeader {
  // What libgomp writes into the first words of a task's data, which it takes to be the program's:
  // a taskloop task's bounds (start, end; a taskloop with reduction reads word 2 from the creator's
  // data), a detached task's event (word 0). task_body copies the first `runtime_words` of them back.
  uint64_t data_head[3];
  uint32_t runtime_words;
  bool detached;
  void (*fn)(void*);
  void (*cpyfn)(void*, void*);
  void* data;  // the program's data, for cpyfn (a deferred task's block is a copy)
  Team* team;
  int64_t token;   // creation -> start
  int64_t parent;  // the creating task's token: its taskwait acquires parent + 1
  int64_t group;   // the taskgroup the task is in, 0: none
  uint32_t data_offset;
  uint32_t ndeps;
};

// libgomp's depend array (gcc 12 task.c): if depend[0] != 0, depend[0] addresses follow at
// depend[2], the first depend[1] of them out/inout; else depend[1] entries follow at depend[5]:
// depend[2] out/inout, depend[3] mutexinoutset, depend[4] in addresses, then omp_depend_t
// objects (depobj: {address, kind}, kind 1 = in).
template <class F>
void for_each_dependence(void** depend, F f) {
  const auto word = [&](size_t i) { return reinterpret_cast<uintptr_t>(depend[i]); };
  if (word(0)) {
    for (uintptr_t i = 0; i < word(0); ++i) f(depend[2 + i], i < word(1));
    return;
  }
  const uintptr_t n = word(1), writers = word(2) + word(3), plain = writers + word(4);
  for (uintptr_t i = 0; i < n; ++i) {
    if (i < plain) {
      f(depend[5 + i], i < writers);
    } else {
      auto* const* obj = static_cast<void* const*>(depend[5 + i]);
      f(obj[0], reinterpret_cast<uintptr_t>(obj[1]) != 1);  // kinds we do not know count as out
    }
  }
}
size_t count_dependences(void** depend) {
  return reinterpret_cast<uintptr_t>(depend[0]) ? reinterpret_cast<uintptr_t>(depend[0])
                                                : reinterpret_cast<uintptr_t>(depend[1]);
}

// Detached tasks (detach clause): the task completes when its event is fulfilled, which may be after
// its body ended or before it started, on any thread. omp_fulfill_event then logs the task's end edges
// (log_task_end) besides the body's end: what follows the task's completion follows both. The event
// (libgomp's task pointer, reused once the task is freed) is registered where it is first known, by
// the creator once GOMP_task returned and by the body's start; a registration overwrites what an
// earlier task with the same event left. A task with more than kDetachedDeps dependences releases
// only the first ones at its fulfillment; one whose slot a later detached task took (a collision
// among kDetached slots) releases nothing there.
struct DetachedTask {
  std::atomic<bool> busy{false};
  uintptr_t event = 0;
  int64_t parent = 0, group = 0, team_tasks = 0;
  uint32_t ndeps = 0;
  static constexpr uint32_t kDetachedDeps = 4;
  TaskDep deps[kDetachedDeps];
};
constexpr size_t kDetached = 1024;
DetachedTask g_detached[kDetached];
DetachedTask& detached_slot(uintptr_t event) { return g_detached[((event >> 4) ^ (event >> 14)) % kDetached]; }
void lock_detached(DetachedTask& d) {
  while (d.busy.exchange(true, std::memory_order_acquire))
    while (d.busy.load(std::memory_order_relaxed)) __builtin_ia32_pause();
}
void register_detached(uintptr_t event, const TaskDep* deps, uint32_t ndeps, int64_t parent, int64_t group,
                       int64_t team_tasks) {
  if (!event) return;
  DetachedTask& d = detached_slot(event);
  lock_detached(d);
  d.event = event, d.parent = parent, d.group = group, d.team_tasks = team_tasks;
  d.ndeps = std::min(ndeps, DetachedTask::kDetachedDeps);
  std::copy(deps, deps + d.ndeps, d.deps);
  d.busy.store(false, std::memory_order_release);
}
// The fulfillment of `event`, before the real one lets the task's successors go.
void log_fulfill(uintptr_t event, SyncRuntime by) {
  DetachedTask& d = detached_slot(event);
  lock_detached(d);
  DetachedTask copy;
  const bool found = d.event == event;
  if (found) copy.parent = d.parent, copy.group = d.group, copy.team_tasks = d.team_tasks, copy.ndeps = d.ndeps;
  if (found) std::copy(d.deps, d.deps + d.ndeps, copy.deps);
  d.busy.store(false, std::memory_order_release);
  if (found) log_task_end(copy.deps, copy.ndeps, copy.parent, copy.group, copy.team_tasks, by);
}

void task_body(void* p) {
  const auto* h = static_cast<const TaskHeader*>(p);
  const auto* deps = reinterpret_cast<const TaskDep*>(h + 1);
  char* const data = static_cast<char*>(p) + h->data_offset;
  std::memcpy(data, h->data_head, h->runtime_words * sizeof(uint64_t));  // bounds, event: the program's now
  const TaskCtx outer_task = t_task;
  Team* const outer_team = t_team;
  t_task = {h->token, h->group};
  t_team = h->team;
  const int64_t team_tasks = h->team ? h->team->tasks : 0;
  if (h->detached) register_detached(h->data_head[0], deps, h->ndeps, h->parent, h->group, team_tasks);
  if (logging()) log_task_start(h->token, deps, h->ndeps, kSyncGomp);
  h->fn(data);
  if (logging()) log_task_end(deps, h->ndeps, h->parent, h->group, team_tasks, kSyncGomp);
  t_task = outer_task;
  t_team = outer_team;
}

// libgomp copies a deferred task's block with cpyfn when the task has one (C++ copy constructors).
void task_copy(void* dest, void* src) {
  const auto* h = static_cast<const TaskHeader*>(src);
  std::memcpy(dest, src, h->data_offset);
  h->cpyfn(static_cast<char*>(dest) + h->data_offset, h->data);
}

constexpr unsigned kGompTaskDepend = 1u << 3;    // GOMP_TASK_FLAG_DEPEND
constexpr unsigned kGompTaskIf = 1u << 10;       // GOMP_TASK_FLAG_IF (taskloop: deferred tasks)
constexpr unsigned kGompTaskNogroup = 1u << 11;  // GOMP_TASK_FLAG_NOGROUP (taskloop)
constexpr unsigned kGompTaskDetach = 1u << 13;   // GOMP_TASK_FLAG_DETACH

// The calling thread's (a task that runs inside another's taskgroup region on this thread ends before
// that region does). A thread's heap part, if it ever had one, is not freed at its exit.
__thread GroupStack t_groups;

using gomp_ull = unsigned long long;

// The block libgomp gets in place of a task's data (see task_body): `local` when it fits, else
// allocated (the caller frees it once libgomp copied it). Null: no memory (the task goes unlogged).
struct TaskBlock {
  char* block;
  TaskHeader* header;
  size_t size, align;
};
TaskBlock make_task_block(char* local, size_t local_size, void (*fn)(void*), void* data, void (*cpyfn)(void*, void*),
                          long arg_size, long arg_align, size_t ndeps, int64_t group, uint32_t runtime_words) {
  const size_t align = std::max<size_t>(arg_align > 0 ? arg_align : 1, alignof(TaskHeader));
  const size_t offset = (sizeof(TaskHeader) + ndeps * sizeof(TaskDep) + align - 1) / align * align;
  const size_t size = offset + static_cast<size_t>(arg_size);
  char* block = size <= local_size && align <= 64
                    ? local
                    : static_cast<char*>(std::aligned_alloc(align, (size + align - 1) / align * align));
  if (!block) return {nullptr, nullptr, 0, 0};
  auto* h = new (block) TaskHeader{{0, 0, 0},
                                   runtime_words,
                                   false,
                                   fn,
                                   cpyfn,
                                   data,
                                   t_team,
                                   new_token(),
                                   current_task_token(),
                                   group,
                                   static_cast<uint32_t>(offset),
                                   static_cast<uint32_t>(ndeps)};
  std::memcpy(h->data_head, data, std::min(sizeof(h->data_head), static_cast<size_t>(std::max(arg_size, 0L))));
  if (!cpyfn && arg_size > 0) std::memcpy(block + offset, data, static_cast<size_t>(arg_size));
  return {block, h, size, align};
}

// Whether the calling thread's doacross posts and waits are logged (a team of gcc's code, known dimensions).
bool doacross_logged() {
  return t_team && t_doacross_dims > 0 && t_doacross_dims <= kDoacrossDims && !g_ompt.load(std::memory_order_relaxed) &&
         logging();
}

template <class T>
void doacross_post(const T* counts) {
  if (!doacross_logged()) return;
  uint64_t vec[kDoacrossDims];
  for (unsigned i = 0; i < t_doacross_dims; ++i) vec[i] = static_cast<uint64_t>(counts[i]);
  release_token(doacross_object(t_team->token, vec, t_doacross_dims), kSyncGomp);
}

// A wait takes the vector as variadic arguments, as many as the loop has dimensions: read kDoacrossDims
// of them (the ones beyond are never read by libgomp) and passed on as they came.
template <class T, class Real>
void doacross_wait(Real real, T first, va_list args) {
  T v[kDoacrossDims];
  v[0] = first;
  const unsigned n = std::min(std::max(t_doacross_dims, 1u), kDoacrossDims);
  for (unsigned i = 1; i < n; ++i) v[i] = va_arg(args, T);
  for (unsigned i = n; i < kDoacrossDims; ++i) v[i] = 0;
  static_assert(kDoacrossDims == 16);
  real(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
  if (!doacross_logged()) return;
  uint64_t vec[kDoacrossDims];
  for (unsigned i = 0; i < t_doacross_dims; ++i) vec[i] = static_cast<uint64_t>(v[i]);
  acquire_token(doacross_object(t_team->token, vec, t_doacross_dims), kSyncGomp);
}

// Taskloops: libgomp makes the tasks from one data block, as GOMP_task would (each a copy, its bounds
// written into the copy's first two words), so every task of the loop has the same edges: one
// creation token, the creating task's taskwait, and the loop's implicit taskgroup (libgomp opens it
// inside, not through GOMP_taskgroup_start), or, with nogroup, the creator's taskgroup. Undeferred
// taskloops (if(0), no team) run their tasks in the creating thread, in its program order: passed on.
template <class Real, class T>
void taskloop(Real real, void (*fn)(void*), void* data, void (*cpyfn)(void*, void*), long arg_size, long arg_align,
              unsigned flags, unsigned long num_tasks, int priority, T start, T end, T step) {
  if (!logging() || g_ompt.load(std::memory_order_relaxed) || !(flags & kGompTaskIf) || !t_team ||
      arg_size < static_cast<long>(2 * sizeof(T)))
    return real(fn, data, cpyfn, arg_size, arg_align, flags, num_tasks, priority, start, end, step);
  const bool group = !(flags & kGompTaskNogroup);
  alignas(64) char local[1024];
  const TaskBlock b = make_task_block(local, sizeof(local), fn, data, cpyfn, arg_size, arg_align, 0,
                                      group ? new_token() : t_task.group, 2);
  if (!b.block) return real(fn, data, cpyfn, arg_size, arg_align, flags, num_tasks, priority, start, end, step);
  log_sync(kSyncRelease, b.header->token, 1, kSyncGomp);  // creation -> every task's start
  real(task_body, b.block, cpyfn ? task_copy : nullptr, static_cast<long>(b.size), static_cast<long>(b.align), flags,
       num_tasks, priority, start, end, step);
  if (group && logging()) acquire_token(b.header->group, kSyncGomp);  // the implicit taskgroup's end
  if (b.block != local) std::free(b.block);
}

}  // namespace

extern "C" {

// The doacross loop starts: each says how many dimensions the loop's posts and waits have.
#define RMACHECK_DOACROSS_START(name, params, args)         \
  bool name params;                                         \
  RMACHECK_API bool name params {                           \
    RMACHECK_REAL(name);                                    \
    t_doacross_dims = std::min(ncounts, kDoacrossDims + 1); \
    return real_##name args;                                \
  }
RMACHECK_DOACROSS_START(GOMP_loop_doacross_static_start, (unsigned ncounts, long* counts, long chunk, long* s, long* e),
                        (ncounts, counts, chunk, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_doacross_dynamic_start,
                        (unsigned ncounts, long* counts, long chunk, long* s, long* e), (ncounts, counts, chunk, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_doacross_guided_start, (unsigned ncounts, long* counts, long chunk, long* s, long* e),
                        (ncounts, counts, chunk, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_doacross_runtime_start, (unsigned ncounts, long* counts, long* s, long* e),
                        (ncounts, counts, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_doacross_start,
                        (unsigned ncounts, long* counts, long sched, long chunk, long* s, long* e, uintptr_t* r,
                         void** mem),
                        (ncounts, counts, sched, chunk, s, e, r, mem))
RMACHECK_DOACROSS_START(GOMP_loop_ull_doacross_static_start,
                        (unsigned ncounts, gomp_ull* counts, gomp_ull chunk, gomp_ull* s, gomp_ull* e),
                        (ncounts, counts, chunk, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_ull_doacross_dynamic_start,
                        (unsigned ncounts, gomp_ull* counts, gomp_ull chunk, gomp_ull* s, gomp_ull* e),
                        (ncounts, counts, chunk, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_ull_doacross_guided_start,
                        (unsigned ncounts, gomp_ull* counts, gomp_ull chunk, gomp_ull* s, gomp_ull* e),
                        (ncounts, counts, chunk, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_ull_doacross_runtime_start,
                        (unsigned ncounts, gomp_ull* counts, gomp_ull* s, gomp_ull* e), (ncounts, counts, s, e))
RMACHECK_DOACROSS_START(GOMP_loop_ull_doacross_start,
                        (unsigned ncounts, gomp_ull* counts, long sched, gomp_ull chunk, gomp_ull* s, gomp_ull* e,
                         uintptr_t* r, void** mem),
                        (ncounts, counts, sched, chunk, s, e, r, mem))
#undef RMACHECK_DOACROSS_START

void GOMP_doacross_post(long* counts);
RMACHECK_API void GOMP_doacross_post(long* counts) {
  RMACHECK_REAL(GOMP_doacross_post);
  doacross_post(counts);
  real_GOMP_doacross_post(counts);
}

void GOMP_doacross_ull_post(gomp_ull* counts);
RMACHECK_API void GOMP_doacross_ull_post(gomp_ull* counts) {
  RMACHECK_REAL(GOMP_doacross_ull_post);
  doacross_post(counts);
  real_GOMP_doacross_ull_post(counts);
}

void GOMP_doacross_wait(long first, ...);
RMACHECK_API void GOMP_doacross_wait(long first, ...) {
  RMACHECK_REAL(GOMP_doacross_wait);
  va_list args;
  va_start(args, first);
  doacross_wait<long>(real_GOMP_doacross_wait, first, args);
  va_end(args);
}

void GOMP_doacross_ull_wait(gomp_ull first, ...);
RMACHECK_API void GOMP_doacross_ull_wait(gomp_ull first, ...) {
  RMACHECK_REAL(GOMP_doacross_ull_wait);
  va_list args;
  va_start(args, first);
  doacross_wait<gomp_ull>(real_GOMP_doacross_ull_wait, first, args);
  va_end(args);
}

// Explicit tasks (see task_body). A detached task's event lands in the header (libgomp writes it into
// the first word of the data it is given), task_body hands it to the program's data.
void GOMP_task(void (*fn)(void*), void* data, void (*cpyfn)(void*, void*), long arg_size, long arg_align,
               bool if_clause, unsigned flags, void** depend, int priority, void* detach);
RMACHECK_API void GOMP_task(void (*fn)(void*), void* data, void (*cpyfn)(void*, void*), long arg_size, long arg_align,
                            bool if_clause, unsigned flags, void** depend, int priority, void* detach) {
  RMACHECK_REAL(GOMP_task);
  if (!logging() || g_ompt.load(std::memory_order_relaxed))
    return real_GOMP_task(fn, data, cpyfn, arg_size, arg_align, if_clause, flags, depend, priority, detach);
  const bool detached = (flags & kGompTaskDetach) && detach;
  const size_t ndeps = (flags & kGompTaskDepend) && depend ? count_dependences(depend) : 0;
  alignas(64) char local[1024];  // the usual task: no allocation (libgomp copies the block before it returns)
  const TaskBlock b = make_task_block(local, sizeof(local), fn, data, cpyfn, arg_size, arg_align, ndeps, t_task.group,
                                      detached ? 1 : 0);
  if (!b.block) return real_GOMP_task(fn, data, cpyfn, arg_size, arg_align, if_clause, flags, depend, priority, detach);
  TaskHeader* const h = b.header;
  h->detached = detached;
  auto* deps = reinterpret_cast<TaskDep*>(h + 1);
  size_t i = 0;
  if (ndeps)
    for_each_dependence(depend, [&](const void* addr, bool out) {
      deps[i++] = {dependence_object(h->parent, addr, true), dependence_object(h->parent, addr, false), out};
    });
  log_sync(kSyncRelease, h->token, 1, kSyncGomp);  // creation -> start
  real_GOMP_task(task_body, b.block, cpyfn ? task_copy : nullptr, static_cast<long>(b.size), static_cast<long>(b.align),
                 if_clause, flags, depend, priority, detach);
  if (detached)  // the event may be fulfilled before the task starts
    register_detached(*static_cast<uintptr_t*>(detach), deps, h->ndeps, h->parent, h->group,
                      h->team ? h->team->tasks : 0);
  if (b.block != local) std::free(b.block);
}

void GOMP_taskloop(void (*fn)(void*), void* data, void (*cpyfn)(void*, void*), long arg_size, long arg_align,
                   unsigned flags, unsigned long num_tasks, int priority, long start, long end, long step);
RMACHECK_API void GOMP_taskloop(void (*fn)(void*), void* data, void (*cpyfn)(void*, void*), long arg_size,
                                long arg_align, unsigned flags, unsigned long num_tasks, int priority, long start,
                                long end, long step) {
  RMACHECK_REAL(GOMP_taskloop);
  taskloop(real_GOMP_taskloop, fn, data, cpyfn, arg_size, arg_align, flags, num_tasks, priority, start, end, step);
}

void GOMP_taskloop_ull(void (*fn)(void*), void* data, void (*cpyfn)(void*, void*), long arg_size, long arg_align,
                       unsigned flags, unsigned long num_tasks, int priority, unsigned long long start,
                       unsigned long long end, unsigned long long step);
RMACHECK_API void GOMP_taskloop_ull(void (*fn)(void*), void* data, void (*cpyfn)(void*, void*), long arg_size,
                                    long arg_align, unsigned flags, unsigned long num_tasks, int priority,
                                    unsigned long long start, unsigned long long end, unsigned long long step) {
  RMACHECK_REAL(GOMP_taskloop_ull);
  taskloop(real_GOMP_taskloop_ull, fn, data, cpyfn, arg_size, arg_align, flags, num_tasks, priority, start, end, step);
}

// omp_fulfill_event: the completion of a detached task (see DetachedTask), under either runtime.
RMACHECK_API void omp_fulfill_event(omp_event_handle_t event) {
  RMACHECK_REAL(omp_fulfill_event, "OMP_5.0.1");
  if (logging())
    log_fulfill(static_cast<uintptr_t>(event), g_ompt.load(std::memory_order_relaxed) ? kSyncOmpt : kSyncGomp);
  real_omp_fulfill_event(event);
}

void GOMP_taskwait();
RMACHECK_API void GOMP_taskwait() {
  RMACHECK_REAL(GOMP_taskwait);
  real_GOMP_taskwait();
  if (!g_ompt.load(std::memory_order_relaxed) && logging()) acquire_token(current_task_token() + 1, kSyncGomp);
}

// `taskwait depend(...)`: waits for the earlier sibling tasks that the dependences name.
void GOMP_taskwait_depend(void** depend);
RMACHECK_API void GOMP_taskwait_depend(void** depend) {
  RMACHECK_REAL(GOMP_taskwait_depend);
  real_GOMP_taskwait_depend(depend);
  if (g_ompt.load(std::memory_order_relaxed) || !logging() || !depend) return;
  const int64_t parent = current_task_token();
  for_each_dependence(depend, [&](const void* addr, bool out) {
    acquire_token(dependence_object(parent, addr, true), kSyncGomp);
    if (out) acquire_token(dependence_object(parent, addr, false), kSyncGomp);
  });
}

void GOMP_taskgroup_start();
RMACHECK_API void GOMP_taskgroup_start() {
  RMACHECK_REAL(GOMP_taskgroup_start);
  real_GOMP_taskgroup_start();
  if (g_ompt.load(std::memory_order_relaxed)) return;
  t_groups.open(&t_task.group);
}

void GOMP_taskgroup_end();
RMACHECK_API void GOMP_taskgroup_end() {
  RMACHECK_REAL(GOMP_taskgroup_end);
  real_GOMP_taskgroup_end();
  int64_t ended = 0;
  if (g_ompt.load(std::memory_order_relaxed) || !t_groups.close(&t_task.group, &ended)) return;
  if (logging()) acquire_token(ended, kSyncGomp);
}

}  // extern "C"
