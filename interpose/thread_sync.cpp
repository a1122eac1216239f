// The program's thread-level synchronization, as kRecThreadSync records
// (log_format.h): under MPI_THREAD_MULTIPLE each thread is its own program
// order (rma-semantics.md section 7), and only what synchronizes threads
// orders one thread's MPI calls and loads/stores before another's. The
// analyzer turns the records into happens-before edges
// (analyzer/model/thread_order.cpp).
//
// Interposed (dlsym RTLD_NEXT): pthread_create/join/exit/once, mutex lock/trylock/
// timedlock/unlock, read-write locks (every rd/wr variant), spin locks,
// condition variables, barriers, semaphores; and gcc's
// OpenMP runtime entry points that compiled code calls (GOMP_parallel,
// GOMP_barrier, the implicit barriers of loops and sections, critical
// sections, omp_set_lock/omp_unset_lock and the nest locks, ordered regions,
// explicit tasks: GOMP_task, taskloops, detached tasks (omp_fulfill_event), taskwait, taskgroups,
// dependences; doacross loops: those in omp_tasks.cpp, thread_sync_internal.h is what the two files
// share). Clang's OpenMP runtime (LLVM libomp) tells a tool through OMPT
// (ompt_start_tool, defined here): parallel begin/end, implicit and explicit tasks (taskloops' too,
// fulfillments), barriers, mutexes (critical, locks, ordered); its doacross entry points
// (__kmpc_doacross_*) are interposed. Threads libgomp or libomp create come through pthread_create
// like any other. Atomics of instrumented code (`rmacheck mpicc`: C11/C++ atomics, __atomic builtins)
// come from the access runtime's sync sink (local_access/atomic_sync.h): release and acquire orders by
// address, relaxed ones not at all. Not seen: atomics or spin flags in code that was not instrumented.
//
// Cost: a single-threaded program pays one predictable branch per mutex
// call (nothing is logged until the program creates a thread outside MPI).
// Threads MPI creates inside its calls (progress threads) are not the
// program's: they never log. Each record is written where it happens, after
// the thread's pending load/store records (local_watch_flush), so the
// thread's accesses stay on the right side of its synchronization.
#include <dlfcn.h>
#include <link.h>
#include <omp.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "access_api.h"
#include "guard/guard.h"
#include "local_watch.h"
#include "log_format.h"
#include "record_buffer.h"
#include "runtime.h"
#include "system_modules.h"
#include "thread_sync_internal.h"

using namespace rmacheck;

namespace rmacheck::thread_sync {

// Set once the program (not MPI) has a second thread: from then on synchronization is logged.
std::atomic<bool> g_threads{false};
// This thread was created by MPI inside one of its calls: its synchronization is MPI's own.
__thread bool t_internal = false;
// Inside this file's own logging (the log's mutex comes back through pthread_mutex_lock).
__thread bool t_logging = false;

// Release counters, by object address. Objects that share a slot share a
// counter; that is harmless: counts stay increasing per object, and an
// acquire follows the releases of ITS object with a count up to its own.
constexpr size_t kCounters = 4096;
std::atomic<int64_t> g_counters[kCounters];
std::atomic<int64_t>& counter(const void* object) {
  const auto a = reinterpret_cast<uintptr_t>(object);
  return g_counters[((a >> 3) ^ (a >> 15)) & (kCounters - 1)];
}
std::atomic<int64_t> g_next_token{0};
int64_t new_token() { return kSyncTokenBase + 2 * g_next_token.fetch_add(1, std::memory_order_relaxed); }

inline bool logging() { return g_threads.load(std::memory_order_relaxed) && !t_internal && !t_logging && recording(); }

// This library's own code (the log writer's and the registries' std::mutex): its locks are not the
// program's synchronization, and logging them would take the log's lock inside itself.
uintptr_t g_self_lo = 0, g_self_hi = 0;
__attribute__((constructor)) void find_self() {
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void*) {
        const auto here = reinterpret_cast<uintptr_t>(&find_self);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X)) continue;
          const uintptr_t lo = info->dlpi_addr + ph.p_vaddr, hi = lo + ph.p_memsz;
          if (here >= lo && here < hi) {
            g_self_lo = lo, g_self_hi = hi;
            return 1;
          }
        }
        return 0;
      },
      nullptr);
}
inline bool from_self(const void* return_address) {
  const auto a = reinterpret_cast<uintptr_t>(return_address);
  return a >= g_self_lo && a < g_self_hi;
}
// Whether code at `return_address` is the program's: not this library's, not a system library's
// (libc, the MPI library and its transports: UCX takes spin locks inside its malloc hooks, and logging
// there, which allocates, would re-enter them half-taken). Cached per thread: dladdr only on a miss.
bool program_code(const void* return_address) {
  if (from_self(return_address)) return false;
  constexpr size_t kCache = 64;
  static __thread struct {
    const void* pc;
    bool program;
  } cache[kCache];
  auto& slot = cache[(reinterpret_cast<uintptr_t>(return_address) >> 4) % kCache];
  if (slot.pc == return_address) return slot.program;
  Dl_info info;
  bool program = true;
  if (dladdr(return_address, &info) && info.dli_fname) {
    const char* base = std::strrchr(info.dli_fname, '/');
    base = base ? base + 1 : info.dli_fname;
    // Besides the modules that are never the user's: every UCX library (libucm hooks malloc), MPICH's.
    program = !is_system_module(info.dli_fname) && std::strncmp(base, "libuc", 5) != 0 &&
              std::strncmp(base, "libmpich", 8) != 0 && std::strncmp(base, "ld-linux", 8) != 0;
  }
  slot = {return_address, program};
  return program;
}
// A lock operation of the program (not of MPI, a system library or this library) that is to be logged.
#define RMACHECK_PROGRAM_LOCK() (logging() && program_code(__builtin_return_address(0)))

// Where the calling thread's last record from here ends in the log (0: none); whether the records
// since its last release (of t_run_object) are only acquires of the same object, with no record of
// anyone between.
__thread size_t t_last_end = 0;
__thread bool t_run_ok = false;
__thread int64_t t_run_object = 0;

void log_sync(SyncKind kind, int64_t object, int64_t count, SyncRuntime by) {
  thread_local RecordBuffer rec;
  t_logging = true;
  t_in_wrapper = true;  // MPI calls and locks below are ours
  local_watch_flush();  // the thread's loads and stores so far go before this record
  Runtime& rt = runtime();
  rec.reset(kRecThreadSync);
  rec.varint(kind);
  rec.varint(thread_id());
  rec.varint(next_seq());
  rec.varint(monotonic_ns());
  rec.field(kF_sync_object, object);
  rec.field(kF_sync_count, count);
  rec.field(kF_sync_by_runtime, by);
  const uint8_t* at = rt.log.append(rec.data(), rec.size());
  // The run goes on if this record is right behind the thread's last one (no record of anyone between).
  if (!at)
    t_run_ok = false;
  else if (kind == kSyncRelease)
    t_run_ok = true, t_run_object = object;
  else if (kind != kSyncAcquire || object != t_run_object || rt.log.start_of(at, rec.size()) != t_last_end)
    t_run_ok = false;
  t_last_end = at ? rt.log.end_of(at, rec.size()) : 0;
  t_in_wrapper = false;
  t_logging = false;
}
int64_t as_object(const void* p) { return static_cast<int64_t>(reinterpret_cast<uintptr_t>(p)); }
// Called with the object held (before its real unlock): the next count of the object.
void release(const void* object, SyncRuntime by) {
  log_sync(kSyncRelease, as_object(object), counter(object).fetch_add(1, std::memory_order_acq_rel) + 1, by);
}
// Called once the object is held (after its real lock returned).
void acquire(const void* object, SyncRuntime by) {
  log_sync(kSyncAcquire, as_object(object), counter(object).load(std::memory_order_acquire), by);
}

// ---- atomics of instrumented code (local_access/atomic_sync.h) ----

// A release the log already has in effect: since this thread's last release of the same object it
// logged only acquires of that object, nothing else was logged by any thread (the log still ends at
// its last record), and it made no watched access. Those acquires counted only releases the old record's acquirers
// count too (an acquire follows every thread's latest release up to its count), so an acquire of the new release gets
// the same ordering from the old one: a loop of seq_cst stores or fetch_adds logs once, not per turn.
bool release_logged_already(int64_t object, int pending) {
  return !pending && t_run_ok && t_run_object == object && runtime().log.ends_at(t_last_end);
}

// An acquire that counts no release the thread has not counted already: the same object and count as
// its last acquire of it (a spin loop logs once per release it may have seen), or no release at all.
constexpr size_t kAcquired = 16;
__thread struct { int64_t object, count; } t_acquired[kAcquired];

void atomic_sync(uint32_t what, const void* object, int pending) {
  if (!logging()) return;
  const int64_t o = as_object(object);
  if (what == RMACHECK_SYNC_RELEASE) {
    if (!release_logged_already(o, pending)) release(object, kSyncAtomic);
    return;
  }
  const int64_t count = counter(object).load(std::memory_order_acquire);
  auto& seen = t_acquired[(static_cast<uint64_t>(o) >> 3) % kAcquired];
  if (count == 0 || (seen.object == o && seen.count == count)) return;
  seen = {o, count};
  log_sync(kSyncAcquire, o, count, kSyncAtomic);
}

// From the first thread the program makes: its synchronization is logged, atomics included.
void program_has_threads() {
  if (g_threads.exchange(true, std::memory_order_relaxed)) return;
  using SetSink = void (*)(RmacheckSyncSink);
  if (auto set = reinterpret_cast<SetSink>(dlsym(RTLD_DEFAULT, "rmacheck_access_set_sync_sink"))) set(atomic_sync);
}

// ---- thread creation and join ----

struct Start {
  void* (*fn)(void*);
  void* arg;
  int64_t token;  // 0: not logged
  bool internal;
};

// A thread's end, by return from its start function or by pthread_exit: what pthread_join acquires,
// under the pthread_t the joiner names.
void log_thread_end() {
  if (logging()) release(reinterpret_cast<const void*>(pthread_self()), kSyncPthread);
}

void* start_thread(void* p) {
  Start s = *static_cast<Start*>(p);
  std::free(p);
  t_internal = s.internal;
  if (s.internal) guard::mark_mpi_thread();
  if (s.token && logging()) log_sync(kSyncAcquire, s.token, 1, kSyncPthread);
  void* ret = s.fn(s.arg);
  log_thread_end();
  return ret;
}

// Barriers: how many threads each one waits for, by address (pthread_barrier_init).
struct BarrierSlot {
  std::atomic<uintptr_t> addr{0};
  int64_t count = 0;
  int64_t incarnation = 0;  // re-initialized at one address: a new barrier
  std::atomic<int64_t> arrivals{0};
};
constexpr size_t kBarriers = 256;
BarrierSlot g_barriers[kBarriers];
std::atomic<int64_t> g_incarnations{0};
BarrierSlot* barrier_slot(const void* b, bool claim) {
  const auto a = reinterpret_cast<uintptr_t>(b);
  for (size_t i = 0, h = (a >> 4) % kBarriers; i < kBarriers; ++i, h = (h + 1) % kBarriers) {
    uintptr_t seen = g_barriers[h].addr.load(std::memory_order_acquire);
    if (seen == a) return &g_barriers[h];
    if (seen == 0) {
      if (!claim) return nullptr;
      if (g_barriers[h].addr.compare_exchange_strong(seen, a)) return &g_barriers[h];
      if (seen == a) return &g_barriers[h];
    }
  }
  return nullptr;  // table full: that barrier is not logged
}

// One arrival at a barrier of `count` threads whose arrivals counter is `arrivals`: its generation.
int64_t arrive(const void* object, std::atomic<int64_t>& arrivals, int64_t count, int64_t incarnation, SyncRuntime by) {
  const int64_t gen = (incarnation << 32) | (arrivals.fetch_add(1, std::memory_order_acq_rel) / count);
  log_sync(kSyncArrive, as_object(object), gen, by);
  return gen;
}

// ---- OpenMP (libgomp): teams of GOMP_parallel ----

__thread Team* t_team = nullptr;
__thread TaskCtx t_task;

int64_t current_task_token() {
  if (!t_task.token) t_task.token = new_token();  // the initial task of a thread
  return t_task.token;
}

// Release and acquire of objects that are tokens, not addresses (counts as for addresses).
const void* token_object(int64_t token) { return reinterpret_cast<const void*>(static_cast<uintptr_t>(token)); }
void release_token(int64_t token, SyncRuntime by) { release(token_object(token), by); }
// An acquire that would follow no release is not logged.
void acquire_token(int64_t token, SyncRuntime by) {
  const int64_t count = counter(token_object(token)).load(std::memory_order_acquire);
  if (count > 0) log_sync(kSyncAcquire, token, count, by);
}

void team_member(void* p) {
  Team* team = static_cast<Team*>(p);
  Team* outer = t_team;
  const TaskCtx outer_task = t_task;
  const unsigned outer_dims = t_doacross_dims;
  t_team = team;
  t_task = {new_token(), 0};
  if (logging()) log_sync(kSyncAcquire, team->token, 1, kSyncGomp);
  team->fn(team->data);
  if (logging()) log_sync(kSyncArrive, team->token + 1, 0, kSyncGomp);  // the join: a barrier only the master leaves
  t_team = outer;
  t_task = outer_task;
  t_doacross_dims = outer_dims;
}

int team_size() {
  static const auto num_threads = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_num_threads"));
  return num_threads ? num_threads() : 1;
}

// A team barrier (explicit or the implicit one of a worksharing construct) around `wait`. It also
// completes every explicit task of the team: their ends go before every departure.
template <class Wait>
auto team_barrier(Wait wait) {
  Team* team = t_team;
  if (!team) return wait();
  const int n = team_size();
  if (!team || n <= 1 || !logging()) return wait();
  const int64_t gen = arrive(reinterpret_cast<const void*>(team->token), team->arrivals, n, 0, kSyncGomp);
  auto r = wait();
  if (logging()) {
    log_sync(kSyncDepart, team->token, gen, kSyncGomp);
    acquire_token(team->tasks, kSyncGomp);
  }
  return r;
}

int g_critical;                   // the object of unnamed critical sections
std::atomic<bool> g_ompt{false};  // libomp reports through OMPT: the GOMP entry points are not logged twice

// ---- read-write locks ----

// The calling thread's kernel id, cached; a fork's child (its one thread has a new id) asks again.
__thread pid_t t_tid = 0;
pid_t kernel_tid() {
  if (!t_tid) t_tid = static_cast<pid_t>(syscall(SYS_gettid));
  return t_tid;
}
__attribute__((constructor)) void forget_tid_at_fork() {
  pthread_atfork(nullptr, nullptr, [] { t_tid = 0; });
}

// Read-write locks: two objects per lock. A writer's unlock releases the
// lock (its address), which every later reader and writer acquires; a
// reader's unlock releases its read side (address + 1), which only later
// writers acquire: readers are not ordered with each other.
const void* read_side(const pthread_rwlock_t* l) { return reinterpret_cast<const char*>(l) + 1; }
void rwlock_acquired(pthread_rwlock_t* l, bool writer) {
  acquire(l, kSyncPthread);
  if (writer) acquire(read_side(l), kSyncPthread);
}

// pthread_once: the initializer runs in the first caller, inside the real pthread_once, which
// calls once_init instead; its end is released, and every caller's return acquires it.
__thread void (*t_once_fn)() = nullptr;
__thread pthread_once_t* t_once_control = nullptr;
void once_init() {
  void (*fn)() = t_once_fn;
  pthread_once_t* control = t_once_control;
  fn();
  if (logging()) release(control, kSyncPthread);
}

// For omp_tasks.cpp (logging() is inline here, for the locks' fast path).
bool logging_now() { return logging(); }
bool mpi_thread() { return t_internal; }

}  // namespace rmacheck::thread_sync

using namespace rmacheck::thread_sync;

extern "C" {

RMACHECK_API int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*fn)(void*), void* arg) {
  RMACHECK_REAL(pthread_create, "GLIBC_2.34");
  auto* s = static_cast<Start*>(std::malloc(sizeof(Start)));
  if (!s) return real_pthread_create(thread, attr, fn, arg);
  // Created inside an MPI call (MPI_Init included) or by the MPI library's code: MPI's own thread.
  *s = {fn, arg, 0, t_in_wrapper || t_internal || guard::is_mpi_code(__builtin_return_address(0))};
  if (!s->internal) program_has_threads();
  if (logging()) {
    s->token = new_token();
    log_sync(kSyncRelease, s->token, 1, kSyncPthread);
  }
  const int rc = real_pthread_create(thread, attr, start_thread, s);
  if (rc != 0) std::free(s);
  return rc;
}

RMACHECK_API int pthread_join(pthread_t thread, void** ret) {
  RMACHECK_REAL(pthread_join, "GLIBC_2.34");
  const int rc = real_pthread_join(thread, ret);
  if (rc == 0 && logging()) acquire(reinterpret_cast<const void*>(thread), kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_mutex_lock(pthread_mutex_t* m) {
  RMACHECK_REAL(pthread_mutex_lock);
  const int rc = real_pthread_mutex_lock(m);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) acquire(m, kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_mutex_trylock(pthread_mutex_t* m) {
  RMACHECK_REAL(pthread_mutex_trylock);
  const int rc = real_pthread_mutex_trylock(m);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) acquire(m, kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* t) {
  RMACHECK_REAL(pthread_mutex_timedlock, "GLIBC_2.34");
  const int rc = real_pthread_mutex_timedlock(m, t);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) acquire(m, kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_mutex_unlock(pthread_mutex_t* m) {
  RMACHECK_REAL(pthread_mutex_unlock);
  if (RMACHECK_PROGRAM_LOCK()) release(m, kSyncPthread);
  return real_pthread_mutex_unlock(m);
}

RMACHECK_API int pthread_spin_lock(pthread_spinlock_t* l) {
  RMACHECK_REAL(pthread_spin_lock, "GLIBC_2.34");
  const int rc = real_pthread_spin_lock(l);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK())
    acquire(const_cast<const void*>(static_cast<const volatile void*>(l)), kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_spin_unlock(pthread_spinlock_t* l) {
  RMACHECK_REAL(pthread_spin_unlock, "GLIBC_2.34");
  if (RMACHECK_PROGRAM_LOCK()) release(const_cast<const void*>(static_cast<const volatile void*>(l)), kSyncPthread);
  return real_pthread_spin_unlock(l);
}

// A wait releases the mutex and reacquires it; returning from it also
// follows the signals given so far (signal -> wake, with or without the mutex).
RMACHECK_API int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  RMACHECK_REAL(pthread_cond_wait, "GLIBC_2.3.2");
  const bool log = RMACHECK_PROGRAM_LOCK();
  if (log) release(m, kSyncPthread);
  const int rc = real_pthread_cond_wait(c, m);
  if (log && logging()) acquire(m, kSyncPthread), acquire(c, kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* t) {
  RMACHECK_REAL(pthread_cond_timedwait, "GLIBC_2.3.2");
  const bool log = RMACHECK_PROGRAM_LOCK();
  if (log) release(m, kSyncPthread);
  const int rc = real_pthread_cond_timedwait(c, m, t);
  if (log && logging()) acquire(m, kSyncPthread), acquire(c, kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_cond_signal(pthread_cond_t* c) {
  RMACHECK_REAL(pthread_cond_signal, "GLIBC_2.3.2");
  if (RMACHECK_PROGRAM_LOCK()) release(c, kSyncPthread);
  return real_pthread_cond_signal(c);
}

RMACHECK_API int pthread_cond_broadcast(pthread_cond_t* c) {
  RMACHECK_REAL(pthread_cond_broadcast, "GLIBC_2.3.2");
  if (RMACHECK_PROGRAM_LOCK()) release(c, kSyncPthread);
  return real_pthread_cond_broadcast(c);
}

RMACHECK_API int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr, unsigned count) {
  RMACHECK_REAL(pthread_barrier_init, "GLIBC_2.34");
  const int rc = real_pthread_barrier_init(b, attr, count);
  if (rc == 0 && count > 0)
    if (BarrierSlot* s = barrier_slot(b, true)) {
      s->count = count;
      s->incarnation = g_incarnations.fetch_add(1, std::memory_order_relaxed);
      s->arrivals.store(0, std::memory_order_release);
    }
  return rc;
}

RMACHECK_API int pthread_barrier_wait(pthread_barrier_t* b) {
  RMACHECK_REAL(pthread_barrier_wait, "GLIBC_2.34");
  BarrierSlot* s = RMACHECK_PROGRAM_LOCK() ? barrier_slot(b, false) : nullptr;
  if (!s || s->count <= 0) return real_pthread_barrier_wait(b);
  const int64_t gen = arrive(b, s->arrivals, s->count, s->incarnation, kSyncPthread);
  const int rc = real_pthread_barrier_wait(b);
  if (logging()) log_sync(kSyncDepart, as_object(b), gen, kSyncPthread);
  return rc;
}

RMACHECK_API int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  RMACHECK_REAL(pthread_rwlock_rdlock);
  const int rc = real_pthread_rwlock_rdlock(l);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, false);
  return rc;
}

RMACHECK_API int pthread_rwlock_tryrdlock(pthread_rwlock_t* l) {
  RMACHECK_REAL(pthread_rwlock_tryrdlock);
  const int rc = real_pthread_rwlock_tryrdlock(l);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, false);
  return rc;
}

RMACHECK_API int pthread_rwlock_timedrdlock(pthread_rwlock_t* l, const struct timespec* t) {
  RMACHECK_REAL(pthread_rwlock_timedrdlock);
  const int rc = real_pthread_rwlock_timedrdlock(l, t);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, false);
  return rc;
}

RMACHECK_API int pthread_rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t c, const struct timespec* t) {
  RMACHECK_REAL(pthread_rwlock_clockrdlock);
  const int rc = real_pthread_rwlock_clockrdlock(l, c, t);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, false);
  return rc;
}

RMACHECK_API int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  RMACHECK_REAL(pthread_rwlock_wrlock);
  const int rc = real_pthread_rwlock_wrlock(l);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, true);
  return rc;
}

RMACHECK_API int pthread_rwlock_trywrlock(pthread_rwlock_t* l) {
  RMACHECK_REAL(pthread_rwlock_trywrlock);
  const int rc = real_pthread_rwlock_trywrlock(l);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, true);
  return rc;
}

RMACHECK_API int pthread_rwlock_timedwrlock(pthread_rwlock_t* l, const struct timespec* t) {
  RMACHECK_REAL(pthread_rwlock_timedwrlock);
  const int rc = real_pthread_rwlock_timedwrlock(l, t);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, true);
  return rc;
}

RMACHECK_API int pthread_rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t c, const struct timespec* t) {
  RMACHECK_REAL(pthread_rwlock_clockwrlock);
  const int rc = real_pthread_rwlock_clockwrlock(l, c, t);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) rwlock_acquired(l, true);
  return rc;
}

// Whether the caller holds `l` as its writer: glibc keeps the writer's thread id in the lock (and
// tests it the same way in its own unlock).
RMACHECK_API int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  RMACHECK_REAL(pthread_rwlock_unlock);
  if (RMACHECK_PROGRAM_LOCK()) {
    const bool writer = __atomic_load_n(&l->__data.__cur_writer, __ATOMIC_RELAXED) == kernel_tid();
    release(writer ? static_cast<const void*>(l) : read_side(l), kSyncPthread);
  }
  return real_pthread_rwlock_unlock(l);
}

RMACHECK_API int pthread_once(pthread_once_t* control, void (*init)()) {
  RMACHECK_REAL(pthread_once);
  if (!RMACHECK_PROGRAM_LOCK()) return real_pthread_once(control, init);
  void (*const outer_fn)() = t_once_fn;  // an initializer that calls pthread_once itself
  pthread_once_t* const outer_control = t_once_control;
  t_once_fn = init, t_once_control = control;
  const int rc = real_pthread_once(control, once_init);
  t_once_fn = outer_fn, t_once_control = outer_control;
  if (rc == 0 && logging()) acquire(control, kSyncPthread);
  return rc;
}

// A thread that ends by pthread_exit ends like one that returns (start_thread's end is not reached).
RMACHECK_API void pthread_exit(void* ret) {
  RMACHECK_REAL(pthread_exit);
  log_thread_end();
  real_pthread_exit(ret);
  __builtin_unreachable();
}

// Semaphores: a post releases, a successful wait acquires (it follows every post so far, not only the
// one whose unit it took: a few orderings more than the program relies on, never fewer).
RMACHECK_API int sem_post(sem_t* s) {
  RMACHECK_REAL(sem_post);
  if (RMACHECK_PROGRAM_LOCK()) release(s, kSyncPthread);
  return real_sem_post(s);
}

RMACHECK_API int sem_wait(sem_t* s) {
  RMACHECK_REAL(sem_wait);
  const int rc = real_sem_wait(s);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) acquire(s, kSyncPthread);
  return rc;
}

RMACHECK_API int sem_trywait(sem_t* s) {
  RMACHECK_REAL(sem_trywait);
  const int rc = real_sem_trywait(s);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) acquire(s, kSyncPthread);
  return rc;
}

RMACHECK_API int sem_timedwait(sem_t* s, const struct timespec* t) {
  RMACHECK_REAL(sem_timedwait);
  const int rc = real_sem_timedwait(s, t);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) acquire(s, kSyncPthread);
  return rc;
}

RMACHECK_API int sem_clockwait(sem_t* s, clockid_t c, const struct timespec* t) {
  RMACHECK_REAL(sem_clockwait);
  const int rc = real_sem_clockwait(s, c, t);
  if (rc == 0 && RMACHECK_PROGRAM_LOCK()) acquire(s, kSyncPthread);
  return rc;
}

// ---- libgomp: what gcc's -fopenmp code calls ----

void GOMP_parallel(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags);
RMACHECK_API void GOMP_parallel(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags) {
  RMACHECK_REAL(GOMP_parallel);
  if (num_threads != 1 && !t_in_wrapper && !t_internal) program_has_threads();
  if (!logging() || g_ompt.load(std::memory_order_relaxed)) return real_GOMP_parallel(fn, data, num_threads, flags);
  Team team{fn, data, new_token(), new_token(), {0}};
  log_sync(kSyncRelease, team.token, 1, kSyncGomp);  // fork: the encountering thread's past goes to every member
  real_GOMP_parallel(team_member, &team, num_threads, flags);
  if (logging()) {
    log_sync(kSyncDepart, team.token + 1, 0, kSyncGomp);  // join: after every member's end
    acquire_token(team.tasks, kSyncGomp);                 // and every task's, run in the final barrier too
  }
}

void GOMP_barrier();
RMACHECK_API void GOMP_barrier() {
  RMACHECK_REAL(GOMP_barrier);
  team_barrier([] { return (real_GOMP_barrier(), 0); });
}

void GOMP_loop_end();
RMACHECK_API void GOMP_loop_end() {
  RMACHECK_REAL(GOMP_loop_end);
  team_barrier([] { return (real_GOMP_loop_end(), 0); });
}

void GOMP_sections_end();
RMACHECK_API void GOMP_sections_end() {
  RMACHECK_REAL(GOMP_sections_end);
  team_barrier([] { return (real_GOMP_sections_end(), 0); });
}

void GOMP_critical_start();
RMACHECK_API void GOMP_critical_start() {
  RMACHECK_REAL(GOMP_critical_start);
  real_GOMP_critical_start();
  if (t_team && logging()) acquire(&g_critical, kSyncGomp);
}

void GOMP_critical_end();
RMACHECK_API void GOMP_critical_end() {
  RMACHECK_REAL(GOMP_critical_end);
  if (t_team && logging()) release(&g_critical, kSyncGomp);
  real_GOMP_critical_end();
}

void GOMP_critical_name_start(void** name);
RMACHECK_API void GOMP_critical_name_start(void** name) {
  RMACHECK_REAL(GOMP_critical_name_start);
  real_GOMP_critical_name_start(name);
  if (t_team && logging()) acquire(name, kSyncGomp);
}

void GOMP_critical_name_end(void** name);
RMACHECK_API void GOMP_critical_name_end(void** name) {
  RMACHECK_REAL(GOMP_critical_name_end);
  if (t_team && logging()) release(name, kSyncGomp);
  real_GOMP_critical_name_end(name);
}

// omp_set_lock and friends (gcc's libgomp; under libomp OMPT reports them as mutexes).
RMACHECK_API void omp_set_lock(omp_lock_t* l) {
  RMACHECK_REAL(omp_set_lock, "OMP_3.0");
  real_omp_set_lock(l);
  if (!g_ompt.load(std::memory_order_relaxed) && logging()) acquire(l, kSyncGomp);
}

RMACHECK_API int omp_test_lock(omp_lock_t* l) {
  RMACHECK_REAL(omp_test_lock, "OMP_3.0");
  const int got = real_omp_test_lock(l);
  if (got && !g_ompt.load(std::memory_order_relaxed) && logging()) acquire(l, kSyncGomp);
  return got;
}

RMACHECK_API void omp_unset_lock(omp_lock_t* l) {
  RMACHECK_REAL(omp_unset_lock, "OMP_3.0");
  if (!g_ompt.load(std::memory_order_relaxed) && logging()) release(l, kSyncGomp);
  real_omp_unset_lock(l);
}

// omp_set_nest_lock and friends: each set (also the nested ones) acquires, each unset releases.
RMACHECK_API void omp_set_nest_lock(omp_nest_lock_t* l) {
  RMACHECK_REAL(omp_set_nest_lock, "OMP_3.0");
  real_omp_set_nest_lock(l);
  if (!g_ompt.load(std::memory_order_relaxed) && logging()) acquire(l, kSyncGomp);
}

RMACHECK_API int omp_test_nest_lock(omp_nest_lock_t* l) {
  RMACHECK_REAL(omp_test_nest_lock, "OMP_3.0");
  const int depth = real_omp_test_nest_lock(l);
  if (depth && !g_ompt.load(std::memory_order_relaxed) && logging()) acquire(l, kSyncGomp);
  return depth;
}

RMACHECK_API void omp_unset_nest_lock(omp_nest_lock_t* l) {
  RMACHECK_REAL(omp_unset_nest_lock, "OMP_3.0");
  if (!g_ompt.load(std::memory_order_relaxed) && logging()) release(l, kSyncGomp);
  real_omp_unset_nest_lock(l);
}

// Ordered regions of a loop run one at a time in iteration order: each start follows the ends so far.
void GOMP_ordered_start();
RMACHECK_API void GOMP_ordered_start() {
  RMACHECK_REAL(GOMP_ordered_start);
  real_GOMP_ordered_start();
  if (t_team && logging()) acquire(&t_team->ordered, kSyncGomp);
}

void GOMP_ordered_end();
RMACHECK_API void GOMP_ordered_end() {
  RMACHECK_REAL(GOMP_ordered_end);
  if (t_team && logging()) release(&t_team->ordered, kSyncGomp);
  real_GOMP_ordered_end();
}

}  // extern "C"

// ---- libomp: OMPT ----
#if RMACHECK_OMPT
#include <omp-tools.h>

namespace {

// Mutexes as OMPT reports them: the released callback may come after the
// real release, when the next owner already holds the mutex, so counts are
// tickets taken in the acquired callback (owners take them in lock order)
// and a release repeats its owner's ticket.
constexpr int kHeldMax = 16;
__thread struct {
  ompt_wait_id_t id;
  int64_t ticket;
} t_held[kHeldMax];
__thread int t_nheld = 0;
__thread int64_t t_barrier_gen = -1;
__thread int64_t t_barrier_object = 0;

void ompt_mutex_acquired(ompt_mutex_t, ompt_wait_id_t id, const void*) {
  const void* object = reinterpret_cast<const void*>(id);
  const int64_t ticket = counter(object).fetch_add(1, std::memory_order_acq_rel) + 1;
  if (t_nheld < kHeldMax) t_held[t_nheld++] = {id, ticket};
  if (logging()) log_sync(kSyncAcquire, as_object(object), ticket, kSyncOmpt);
}

void ompt_mutex_released(ompt_mutex_t, ompt_wait_id_t id, const void*) {
  for (int i = t_nheld - 1; i >= 0; --i)
    if (t_held[i].id == id) {
      const int64_t ticket = t_held[i].ticket;
      t_held[i] = t_held[--t_nheld];
      if (logging()) log_sync(kSyncRelease, static_cast<int64_t>(id), ticket, kSyncOmpt);
      return;
    }
}

// Barrier arrivals of the teams alive now, by token (reset when a team begins).
constexpr size_t kTeams = 1024;
std::atomic<int64_t> g_team_arrivals[kTeams];
std::atomic<int64_t>& team_arrivals(uint64_t token) { return g_team_arrivals[(token / 2) % kTeams]; }

void ompt_parallel_begin(ompt_data_t*, const ompt_frame_t*, ompt_data_t* parallel, unsigned, int, const void*) {
  parallel->value = static_cast<uint64_t>(new_token());
  team_arrivals(parallel->value).store(0, std::memory_order_relaxed);
  if (logging()) log_sync(kSyncRelease, static_cast<int64_t>(parallel->value), 1, kSyncOmpt);  // fork
}

// What every explicit task's end of a team releases, and its barriers and join acquire.
int64_t team_tasks_object(int64_t team) { return team + (int64_t{1} << 55); }

void ompt_parallel_end(ompt_data_t* parallel, ompt_data_t*, int, const void*) {
  // The join, as a barrier only the master leaves: a worker may report its end after the master went on.
  if (parallel && parallel->value && logging()) {
    log_sync(kSyncDepart, static_cast<int64_t>(parallel->value) + 1, 0, kSyncOmpt);
    acquire_token(team_tasks_object(static_cast<int64_t>(parallel->value)), kSyncOmpt);
  }
}

// A task as OMPT reports it (its ompt_data_t points here): implicit tasks of a team, the initial task of
// a thread (made when first needed), and explicit tasks, with the edges of the libgomp path (task_body):
// creation -> start, end -> the parent's taskwait (parent + 1), end -> its taskgroup's end, end -> the
// team's barriers and join, and the dependences by address between siblings.
struct OmptTask {
  int64_t token = 0;
  int64_t parent = 0;  // explicit tasks: the creating task's token
  int64_t team = 0;    // the team's token, 0: none
  int64_t group = 0;   // the innermost taskgroup this task is in (or the one it was created in)
  bool is_explicit = false, started = false;
  uint32_t ndeps = 0;
  TaskDep* deps = nullptr;
  GroupStack groups{};     // taskgroups this task opened and has not ended
  int64_t outer_team = 0;  // implicit tasks: the thread's t_ompt_team before
};
// The team of the implicit task the calling thread runs (its doacross loops'), 0: none.
__thread int64_t t_ompt_team = 0;
OmptTask* ompt_task(ompt_data_t* data) {
  if (!data) return nullptr;
  if (!data->ptr) data->ptr = new (std::nothrow) OmptTask{new_token()};  // an initial task
  return static_cast<OmptTask*>(data->ptr);
}

void ompt_implicit_task(ompt_scope_endpoint_t endpoint, ompt_data_t* parallel, ompt_data_t* task, unsigned, unsigned,
                        int flags) {
  if (flags & ompt_task_initial) return;
  if (endpoint == ompt_scope_begin) {
    const int64_t team = parallel ? static_cast<int64_t>(parallel->value) : 0;
    auto* t = new (std::nothrow) OmptTask{new_token(), 0, team};
    task->ptr = t;
    if (t) t->outer_team = t_ompt_team, t_ompt_team = team;
    if (team && logging()) log_sync(kSyncAcquire, team, 1, kSyncOmpt);
  } else if (auto* t = static_cast<OmptTask*>(task->ptr)) {
    t_ompt_team = t->outer_team;
    if (t->team && logging()) log_sync(kSyncArrive, t->team + 1, 0, kSyncOmpt);
    t->groups.release();
    delete t;
    task->ptr = nullptr;
  }
}

void ompt_task_create(ompt_data_t* encountering, const ompt_frame_t*, ompt_data_t* task, int flags, int, const void*) {
  if (!(flags & ompt_task_explicit) || !task) return;
  const OmptTask* parent = ompt_task(encountering);
  auto* t = new (std::nothrow) OmptTask{new_token()};
  if (!t) return;
  if (parent) t->parent = parent->token, t->team = parent->team, t->group = parent->group;
  t->is_explicit = true;
  task->ptr = t;
  if (logging()) log_sync(kSyncRelease, t->token, 1, kSyncOmpt);  // creation -> start
}

// Called after task_create, in the creating thread, before the task can start.
void ompt_dependences(ompt_data_t* task, const ompt_dependence_t* deps, int ndeps) {
  auto* t = task ? static_cast<OmptTask*>(task->ptr) : nullptr;
  if (!t || !t->is_explicit || t->started || t->deps || ndeps <= 0) return;
  t->deps = static_cast<TaskDep*>(std::calloc(static_cast<size_t>(ndeps), sizeof(TaskDep)));
  if (!t->deps) return;
  for (int i = 0; i < ndeps; ++i) {
    const auto type = deps[i].dependence_type;
    if (type == ompt_dependence_type_source || type == ompt_dependence_type_sink) continue;  // doacross
    const void* addr = deps[i].variable.ptr;
    // inoutset counts as out: more order than OpenMP gives (sets are unordered among themselves).
    t->deps[t->ndeps++] = {dependence_object(t->parent, addr, true), dependence_object(t->parent, addr, false),
                           type != ompt_dependence_type_in};
  }
}

void ompt_task_schedule(ompt_data_t* prior, ompt_task_status_t status, ompt_data_t* next) {
  auto* done = prior ? static_cast<OmptTask*>(prior->ptr) : nullptr;
  // A detached task completes when its body ended (ompt_task_detach: not fulfilled yet; complete: it
  // was) and its event was fulfilled (early_fulfill: before the body's end; late_fulfill: after it),
  // both reported in the fulfilling thread, inside omp_fulfill_event: each of them releases the end
  // edges, the last one frees the task.
  if (done && done->is_explicit &&
      (status == ompt_task_complete || status == ompt_task_detach || status == ompt_task_cancel ||
       status == ompt_task_early_fulfill || status == ompt_task_late_fulfill)) {
    if (status != ompt_task_cancel && logging())
      log_task_end(done->deps, done->ndeps, done->parent, done->group, done->team ? team_tasks_object(done->team) : 0,
                   kSyncOmpt);
    if (status != ompt_task_detach && status != ompt_task_early_fulfill) {
      std::free(done->deps);
      done->groups.release();
      delete done;
      prior->ptr = nullptr;
    }
  }
  auto* t = next ? static_cast<OmptTask*>(next->ptr) : nullptr;
  if (!t || !t->is_explicit || t->started) return;  // a task that resumes: it acquired at its start
  t->started = true;
  if (logging()) log_task_start(t->token, t->deps, t->ndeps, kSyncOmpt);
}

// taskwait: the ends of the task's children; taskgroup: the ends of the tasks created in it and
// their descendants (a task inherits its creator's group).
void ompt_task_sync(ompt_sync_region_t kind, ompt_scope_endpoint_t endpoint, ompt_data_t* task_data) {
  OmptTask* t = ompt_task(task_data);
  if (!t) return;
  if (kind == ompt_sync_region_taskwait) {
    if (endpoint == ompt_scope_end && logging()) acquire_token(t->token + 1, kSyncOmpt);
    return;
  }
  int64_t ended = 0;
  if (endpoint == ompt_scope_begin)
    t->groups.open(&t->group);
  else if (t->groups.close(&t->group, &ended) && logging())
    acquire_token(ended, kSyncOmpt);
}

// Barriers inside a region (explicit, and the implicit ones of worksharing constructs), which also
// complete the team's tasks; the one that ends a region is the join's.
void ompt_sync_region(ompt_sync_region_t kind, ompt_scope_endpoint_t endpoint, ompt_data_t* parallel, ompt_data_t* task,
                      const void*) {
  if (kind == ompt_sync_region_taskwait || kind == ompt_sync_region_taskgroup)
    return ompt_task_sync(kind, endpoint, task);
  if (kind == ompt_sync_region_barrier_implicit_parallel || kind == ompt_sync_region_reduction) return;
  if (endpoint == ompt_scope_begin) {
    t_barrier_gen = -1;
    const int n = team_size();
    if (!parallel || !parallel->value || n <= 1 || !logging()) return;
    const auto* object = reinterpret_cast<const void*>(parallel->value);
    t_barrier_gen = arrive(object, team_arrivals(parallel->value), n, 0, kSyncOmpt);
    t_barrier_object = as_object(object);
  } else if (t_barrier_gen >= 0 && logging()) {
    log_sync(kSyncDepart, t_barrier_object, t_barrier_gen, kSyncOmpt);
    acquire_token(team_tasks_object(t_barrier_object), kSyncOmpt);
    t_barrier_gen = -1;
  }
}

int ompt_initialize(ompt_function_lookup_t lookup, int, ompt_data_t*) {
  auto set = reinterpret_cast<ompt_set_callback_t>(lookup("ompt_set_callback"));
  if (!set) return 0;
  g_ompt.store(true);
  set(ompt_callback_parallel_begin, reinterpret_cast<ompt_callback_t>(&ompt_parallel_begin));
  set(ompt_callback_parallel_end, reinterpret_cast<ompt_callback_t>(&ompt_parallel_end));
  set(ompt_callback_implicit_task, reinterpret_cast<ompt_callback_t>(&ompt_implicit_task));
  set(ompt_callback_sync_region, reinterpret_cast<ompt_callback_t>(&ompt_sync_region));
  set(ompt_callback_mutex_acquired, reinterpret_cast<ompt_callback_t>(&ompt_mutex_acquired));
  set(ompt_callback_mutex_released, reinterpret_cast<ompt_callback_t>(&ompt_mutex_released));
  set(ompt_callback_task_create, reinterpret_cast<ompt_callback_t>(&ompt_task_create));
  set(ompt_callback_dependences, reinterpret_cast<ompt_callback_t>(&ompt_dependences));
  set(ompt_callback_task_schedule, reinterpret_cast<ompt_callback_t>(&ompt_task_schedule));
  return 1;  // keep the tool
}

void ompt_finalize(ompt_data_t*) {}

ompt_start_tool_result_t g_tool = {ompt_initialize, ompt_finalize, {0}};

}  // namespace

// Doacross loops of clang's code (see doacross_object): libomp's entry points, which OMPT does not
// report after the wait. The vectors are the loop variables' values, as many as __kmpc_doacross_init's.
namespace {
struct kmp_dim {
  int64_t lo, up, st;
};
__thread int t_kmp_doacross_dims = 0;
bool kmp_doacross_logged() {
  return t_ompt_team && t_kmp_doacross_dims > 0 && t_kmp_doacross_dims <= static_cast<int>(kDoacrossDims) && logging();
}
int64_t kmp_doacross_object(const int64_t* vec) {
  uint64_t v[kDoacrossDims];
  for (int i = 0; i < t_kmp_doacross_dims; ++i) v[i] = static_cast<uint64_t>(vec[i]);
  return doacross_object(t_ompt_team, v, static_cast<unsigned>(t_kmp_doacross_dims));
}
}  // namespace
RMACHECK_API void __kmpc_doacross_init(void* loc, int gtid, int num_dims, const kmp_dim* dims) {
  RMACHECK_REAL(__kmpc_doacross_init);
  t_kmp_doacross_dims = num_dims;
  real___kmpc_doacross_init(loc, gtid, num_dims, dims);
}
RMACHECK_API void __kmpc_doacross_post(void* loc, int gtid, const int64_t* vec) {
  RMACHECK_REAL(__kmpc_doacross_post);
  if (kmp_doacross_logged()) release_token(kmp_doacross_object(vec), kSyncOmpt);
  real___kmpc_doacross_post(loc, gtid, vec);
}
RMACHECK_API void __kmpc_doacross_wait(void* loc, int gtid, const int64_t* vec) {
  RMACHECK_REAL(__kmpc_doacross_wait);
  real___kmpc_doacross_wait(loc, gtid, vec);
  if (kmp_doacross_logged()) acquire_token(kmp_doacross_object(vec), kSyncOmpt);
}

// libomp looks this up at its start: a tool in the process (this preloaded library).
RMACHECK_API ompt_start_tool_result_t* ompt_start_tool(unsigned int, const char*) { return &g_tool; }
#endif  // RMACHECK_OMPT
