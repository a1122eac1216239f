// What thread_sync.cpp (threads, locks, teams, OMPT) and omp_tasks.cpp (libgomp's explicit tasks,
// taskloops, detached tasks, taskgroups, doacross loops, and the task edges OMPT's tasks share)
// share. Internal to the interposer (hidden like everything but its entry points).
#pragma once
#include <dlfcn.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "log_format.h"

namespace rmacheck::thread_sync {

// ---- thread_sync.cpp ----

// Whether the calling thread's synchronization is logged now.
bool logging_now();
// Whether the calling thread is the MPI library's own (created inside an MPI call or by MPI's code).
bool mpi_thread();
void log_sync(SyncKind kind, int64_t object, int64_t count, SyncRuntime by);
int64_t new_token();
// Release and acquire of objects that are tokens, not addresses; an acquire that would follow no
// release is not logged.
void release_token(int64_t token, SyncRuntime by);
void acquire_token(int64_t token, SyncRuntime by);
// libomp reports through OMPT: the GOMP entry points are not logged twice.
extern std::atomic<bool> g_ompt;

struct Team {
  void (*fn)(void*);
  void* data;
  int64_t token;  // fork: the token (release -> each member's acquire); join: token + 1 (every member arrives)
  int64_t tasks;  // every explicit task's end releases it; barriers and the join acquire it
  std::atomic<int64_t> arrivals{0};
  char ordered = 0;  // its address: what ordered regions release and acquire
};
extern __thread Team* t_team;

// The task a thread runs now (the implicit task of its team member, or an explicit task):
// its identity, whose children's ends release token + 1 (what its taskwait acquires), and the
// innermost taskgroup it is in (0: none), whose object its new tasks release at their end.
struct TaskCtx {
  int64_t token = 0;
  int64_t group = 0;
};
extern __thread TaskCtx t_task;
int64_t current_task_token();

// The next definition of `name` (libc's, libgomp's), looked up once.
template <class F>
F next_fn(const char* name, const char* version = nullptr) {
  void* f = version ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (!f) f = dlsym(RTLD_NEXT, name);
  return reinterpret_cast<F>(f);
}
#define RMACHECK_REAL(fn, ...)                                                          \
  static const auto real_##fn = next_fn<decltype(&fn)>(#fn __VA_OPT__(, ) __VA_ARGS__); \
  if (!real_##fn) std::abort()

// ---- omp_tasks.cpp ----

// The dimensions of the doacross loop the calling thread is in (GOMP_loop_*doacross_*_start).
extern __thread unsigned t_doacross_dims;

struct TaskDep {
  int64_t writers, readers;
  int64_t out;  // out, inout, mutexinoutset (else in)
};

// Dependence objects of sibling tasks (the same parent) on one address: above every address and token.
int64_t dependence_object(int64_t parent, const void* addr, bool writers);

// The edges every explicit task has, under either runtime (task_body, ompt_task_schedule): its start
// acquires its creation and its dependences' predecessors; its end releases its dependences, its
// parent's taskwait (parent + 1), its taskgroup and the team's barriers (team_tasks; 0: no team).
void log_task_start(int64_t token, const TaskDep* deps, uint32_t ndeps, SyncRuntime by);
void log_task_end(const TaskDep* deps, uint32_t ndeps, int64_t parent, int64_t group, int64_t team_tasks,
                  SyncRuntime by);

// Open taskgroups, innermost last: the enclosing group of each. Any depth: the first kInline inline,
// deeper ones on the heap (kept for the thread's or task's next deep nesting; release() frees them).
// Only where the heap has no memory is a group its outer one's (its end then orders less).
struct GroupStack {
  static constexpr int kInline = 8;
  int64_t first[kInline];
  int64_t* more;
  int depth;     // groups open
  int stored;    // of them the outer ones, whose enclosing group is stored: they have their own token
  int capacity;  // of `more`
  // A group opens inside `*current`: it becomes the new group's token.
  void open(int64_t* current) {
    if (stored == depth && (depth < kInline || depth - kInline < capacity || grow())) {
      (depth < kInline ? first[depth] : more[depth - kInline]) = *current;
      *current = new_token();
      ++stored;
    }
    ++depth;
  }
  // The innermost group ends: whether it had its own token (`*ended`, for the caller to acquire);
  // `*current` goes back to the enclosing group.
  bool close(int64_t* current, int64_t* ended) {
    if (depth == 0 || depth-- > stored) return false;
    --stored;
    *ended = *current;
    *current = depth < kInline ? first[depth] : more[depth - kInline];
    return true;
  }
  bool grow() {
    const int n = capacity ? 2 * capacity : 16;
    auto* p = static_cast<int64_t*>(std::realloc(more, static_cast<size_t>(n) * sizeof(int64_t)));
    if (!p) return false;
    more = p, capacity = n;
    return true;
  }
  void release() {
    std::free(more);
    more = nullptr, capacity = 0;
  }
};

// Doacross loops (ordered(n) with depend(sink)/depend(source)): an iteration's post releases its
// iteration vector, a wait acquires the vector it names, per team: the object is the team and the
// vector (libgomp: logical iteration numbers; libomp: the loop variables, the same in post and wait).
// Consecutive doacross loops of one team share objects: a wait also follows the post of the same
// vector in an earlier loop, which the loop's end barrier orders anyway unless the loop was nowait.
// At most kDoacrossDims dimensions are read.
constexpr unsigned kDoacrossDims = 16;
int64_t doacross_object(int64_t team, const uint64_t* vec, unsigned n);

}  // namespace rmacheck::thread_sync
