// The SIGSEGV/SIGTRAP side of guarded pages (guard.h): records the
// program's accesses to watched bytes, lets each one complete with its
// page open for one instruction (trap flag), keeps the per-page fault
// budget, and passes every fault that is not ours to the handler the
// program (or Open MPI, or Python's faulthandler) installed.
//
// Everything reached from the handlers is async-signal-safe: thread-local
// plain data, atomics, the lock-free tables of guard_table.h, mprotect,
// the instruction decoder and the raw Python frame reader. Records are
// turned into log records at the thread's next MPI call (flush).
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "access_api.h"
#include "callsite.h"
#include "guard.h"
#include "guard_internal.h"
#include "guard_table.h"
#include "instruction_decode.h"
#include "python_frames.h"
#include "runtime.h"

#define RMACHECK_GUARD_API extern "C" __attribute__((visibility("default")))

namespace rmacheck::guard {

namespace {

constexpr size_t kMaxRecords = 64;  // per thread and interval; then records merge (widened)
constexpr size_t kMaxSteps = 4;     // pages one instruction may have open at once (movs: two)
constexpr uint64_t kEflagsTrap = 0x100;

struct ThreadGuard {
  Record recs[kMaxRecords];
  uint32_t nrec;
  uintptr_t steps[kMaxSteps];
  uint32_t nsteps;
  uint32_t in_handler;  // > 0 while this thread runs our handler (a fault there is ours)
  bool mpi_thread;      // created by the MPI library: never the program's access
  bool altstack;
  bool called_mpi;
};
__thread ThreadGuard t_guard __attribute__((tls_model("initial-exec")));

// Per-page fault accounting of the current interval, found by open addressing; entries are never
// removed (their counts restart when the interval number changes).
struct PageCounter {
  std::atomic<uintptr_t> page;
  std::atomic<uint64_t> interval;
  std::atomic<uint32_t> faults[2];  // read, write
  std::atomic<uint32_t> seen;       // kinds of watched bytes accessed in this interval (bit 0 read, 1 write)
  std::atomic<uint32_t> widened;    // kinds recorded as widened in this interval
  std::atomic<int32_t> open_prot;   // -1: not opened in this interval, else the protection it was opened to
  std::atomic<int32_t> stepping;    // instructions running with the page open for one step
};
constexpr size_t kCounters = 1 << 15;
PageCounter g_counters[kCounters];

std::atomic<bool> g_active{false};
std::atomic<int> g_in_mpi{0};
std::atomic<uint64_t> g_interval{1};
std::mutex g_mpi_mu;
uint32_t g_budget = 64;
bool g_python = false;
std::atomic<uint64_t> g_faults{0}, g_recorded{0}, g_opened{0}, g_passed{0};

// The handlers the program (or MPI, or Python) installed: called for every signal that is not ours.
struct sigaction g_prev[2];  // SIGSEGV, SIGTRAP
inline int slot(int sig) { return sig == SIGSEGV ? 0 : 1; }
std::atomic<bool> g_installed{false};

using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);
SigactionFn real_sigaction() {
  static SigactionFn fn = reinterpret_cast<SigactionFn>(dlsym(RTLD_NEXT, "sigaction"));
  return fn;
}

PageCounter* counter(uintptr_t page) {
  const uint64_t now = g_interval.load(std::memory_order_acquire);
  size_t h = (page >> 12) * 0x9E3779B97F4A7C15ull >> 49;
  for (size_t probe = 0; probe < 64; ++probe, h = (h + 1) & (kCounters - 1)) {
    PageCounter& c = g_counters[h];
    uintptr_t p = c.page.load(std::memory_order_acquire);
    if (p == 0) {
      if (!c.page.compare_exchange_strong(p, page)) {
        if (p != page) continue;
      } else {
        c.open_prot.store(-1);
        c.interval.store(0);
      }
    } else if (p != page) {
      continue;
    }
    uint64_t iv = c.interval.load(std::memory_order_acquire);
    if (iv != now && c.interval.compare_exchange_strong(iv, now)) {  // a new interval: counts start again
      c.faults[0].store(0), c.faults[1].store(0), c.seen.store(0), c.widened.store(0), c.open_prot.store(-1);
    }
    return &c;
  }
  return nullptr;  // table full: no budget for this page (more faults, never fewer)
}

void chain(int sig, siginfo_t* si, void* ctx) {
  const struct sigaction p = g_prev[slot(sig)];
  if (p.sa_flags & SA_SIGINFO) {
    if (p.sa_sigaction) p.sa_sigaction(sig, si, ctx);
    if (p.sa_flags & SA_RESETHAND) g_prev[slot(sig)].sa_handler = SIG_DFL;
    return;
  }
  if (p.sa_handler != SIG_DFL && p.sa_handler != SIG_IGN) {
    p.sa_handler(sig);
    if (p.sa_flags & SA_RESETHAND) g_prev[slot(sig)].sa_handler = SIG_DFL;
    return;
  }
  // The default action: a fault re-executes and dies by it; a sent signal is raised again.
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  real_sigaction()(sig, &dfl, nullptr);
  if (si->si_code <= 0 || sig == SIGTRAP) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
    raise(sig);
  }
}

bool same_frames(const Record& r, const RmacheckRawPyFrame* py, int npy) {
  if (static_cast<int>(r.npy) != npy) return false;
  for (int i = 0; i < npy; ++i)
    if (r.py[i].code != py[i].code || r.py[i].lasti != py[i].lasti) return false;
  return true;
}

void record(uintptr_t lo, uintptr_t hi, uint32_t kind, uintptr_t pc, const void* unwind_from, uint32_t widened) {
  ThreadGuard& t = t_guard;
  RmacheckRawPyFrame py[kPyFrames];
  int owned = 0;
  const int npy = g_python ? rmacheck_py_frames_capture(py, kPyFrames, &owned) : 0;
  // The same instruction from the same Python line continuing a range (a loop): one record.
  for (uint32_t back = 0; back < 4 && back < t.nrec; ++back) {
    Record& r = t.recs[t.nrec - 1 - back];
    if (r.kind == kind && r.pcs[0] == pc && r.widened == widened && lo <= r.hi && r.lo <= hi &&
        same_frames(r, py, npy)) {
      if (lo < r.lo) r.lo = lo;
      if (hi > r.hi) r.hi = hi;
      ++r.count;
      return;
    }
  }
  if (t.nrec == kMaxRecords) {  // full: the nearest record of this kind grows to cover it (and says so)
    for (uint32_t i = t.nrec; i-- > 0;) {
      Record& r = t.recs[i];
      if (r.kind != kind) continue;
      if (lo < r.lo) r.lo = lo;
      if (hi > r.hi) r.hi = hi;
      ++r.count;
      if (!r.widened) r.widened = g_budget;
      return;
    }
    return;
  }
  Record& r = t.recs[t.nrec++];
  r.lo = lo, r.hi = hi, r.kind = kind, r.count = 1, r.widened = widened;
  r.npy = static_cast<uint32_t>(npy);
  r.py_owned = false;
  for (int i = 0; i < npy; ++i) r.py[i] = {py[i].code, py[i].lasti};
  if (owned) {
    rmacheck_py_frames_hold(py, npy);
    r.py_owned = true;
  }
  r.pcs[0] = pc;
  r.npcs = 1;
  // C code inside a library (memcpy from the program): the callers say whose access it was.
  if (!npy && unwind_from && pc_in_system_module(pc)) {
    void* frames[32];
    const int n = backtrace(frames, 32);
    int first = 0;
    while (first < n && reinterpret_cast<uintptr_t>(frames[first]) != pc) ++first;
    for (int i = first + 1; i < n && r.npcs < kRecordFrames; ++i)
      r.pcs[r.npcs++] = reinterpret_cast<uintptr_t>(frames[i]);
  }
  g_recorded.fetch_add(1, std::memory_order_relaxed);
}

// The watched bytes of one page, recorded as accessed for `kind`: the page is open for it now.
void widen(uintptr_t page, uint32_t kind, uintptr_t pc) {
  Segment parts[16];
  const size_t n = watched_parts(page, page + kPage, parts, 16);
  for (size_t i = 0; i < n; ++i) record(parts[i].lo, parts[i].hi, kind, pc, nullptr, g_budget);
}

int guard_prot_now(uintptr_t page, PageCounter* c) {
  PageRun run;
  if (!find_run(page, run)) return -1;
  const int open = c ? c->open_prot.load() : -1;
  return open >= 0 ? open : run.prot;
}

bool handle_fault(siginfo_t* si, ucontext_t* uc) {
  if (!g_active.load(std::memory_order_acquire) || si->si_code != SEGV_ACCERR) return false;
  const uintptr_t addr = reinterpret_cast<uintptr_t>(si->si_addr), page = page_of(addr);
  PageRun run;
  if (!find_run(page, run)) return false;
  const uint64_t err = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_ERR]);
  if (err & 0x10) return false;  // an instruction fetch: never an access we guard
  const bool is_write = (err & 2) != 0;
  if (!is_write && run.prot == PROT_READ) return false;  // reads were allowed: not our protection
  ThreadGuard& t = t_guard;
  g_faults.fetch_add(1, std::memory_order_relaxed);
  // A thread is inside MPI (every page should be open), or our own handler touched the page:
  // open it and let the access go. It is not the program's access between two of its calls.
  if (g_in_mpi.load(std::memory_order_acquire) > 0 || t.in_handler > 1) {
    ::mprotect(reinterpret_cast<void*>(page), kPage, run.orig);
    return true;
  }
  PageCounter* c = counter(page);
  const bool program =
      !t.mpi_thread && !t_in_wrapper && !pc_in_loader(static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]));
  if (program) {
    DecodedAccess acc[6];
    size_t n = decode_accesses(uc, acc, 6);
    bool matched = false;
    for (size_t i = 0; i < n; ++i) {
      // This page's part only: another guarded page faults (and records) on its own.
      const uintptr_t lo = acc[i].lo < page ? page : acc[i].lo,
                      hi = acc[i].hi > page + kPage ? page + kPage : acc[i].hi;
      if (lo >= hi) continue;
      matched = true;
      Segment parts[8];
      const size_t np = watched_parts(lo, hi, parts, 8);
      for (size_t k = 0; k < np; ++k) {
        if (acc[i].read) record(parts[k].lo, parts[k].hi, RMACHECK_ACCESS_READ, uc->uc_mcontext.gregs[REG_RIP], uc, 0);
        if (acc[i].write)
          record(parts[k].lo, parts[k].hi, RMACHECK_ACCESS_WRITE, uc->uc_mcontext.gregs[REG_RIP], uc, 0);
        if (c) c->seen.fetch_or((acc[i].read ? 1u : 0u) | (acc[i].write ? 2u : 0u));
      }
    }
    if (!matched) {  // undecodable: the faulting byte, as the error code says
      Segment parts[1];
      if (watched_parts(addr, addr + 1, parts, 1)) {
        record(addr, addr + 1, is_write ? RMACHECK_ACCESS_WRITE : RMACHECK_ACCESS_READ, uc->uc_mcontext.gregs[REG_RIP],
               uc, 0);
        if (c) c->seen.fetch_or(is_write ? 2u : 1u);
      }
    }
    // The budget: this page has cost enough in this interval; it stays open for this kind.
    if (c && c->faults[is_write].fetch_add(1) + 1 >= g_budget) {
      const int open = is_write || run.prot != PROT_NONE ? run.orig : PROT_READ;
      const uint32_t kinds = is_write ? 3u : 1u, seen = c->seen.load();
      const uint32_t fresh = kinds & seen & ~c->widened.fetch_or(kinds & seen);
      const uintptr_t pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
      if (fresh & 1) widen(page, RMACHECK_ACCESS_READ, pc);
      if (fresh & 2) widen(page, RMACHECK_ACCESS_WRITE, pc);
      c->open_prot.store(open);
      g_opened.fetch_add(1, std::memory_order_relaxed);
      ::mprotect(reinterpret_cast<void*>(page), kPage, open);
      return true;
    }
  } else {
    g_passed.fetch_add(1, std::memory_order_relaxed);
  }
  // One instruction with the page open, then the trap flag brings us back to protect it again.
  if (t.nsteps == kMaxSteps) {  // cannot track it: leave it open until the next MPI call
    ::mprotect(reinterpret_cast<void*>(page), kPage, run.orig);
    return true;
  }
  if (c) c->stepping.fetch_add(1);
  t.steps[t.nsteps++] = page;
  ::mprotect(reinterpret_cast<void*>(page), kPage, run.orig);
  uc->uc_mcontext.gregs[REG_EFL] |= kEflagsTrap;
  return true;
}

void on_segv(int sig, siginfo_t* si, void* ctx) {
  const int saved = errno;
  ThreadGuard& t = t_guard;
  ++t.in_handler;
  const bool ours = handle_fault(si, static_cast<ucontext_t*>(ctx));
  --t.in_handler;
  if (!ours) chain(sig, si, ctx);
  errno = saved;
}

void on_trap(int sig, siginfo_t* si, void* ctx) {
  ThreadGuard& t = t_guard;
  auto* uc = static_cast<ucontext_t*>(ctx);
  if (t.nsteps == 0 || !(uc->uc_mcontext.gregs[REG_EFL] & kEflagsTrap)) {
    chain(sig, si, ctx);
    return;
  }
  const int saved = errno;
  for (uint32_t i = 0; i < t.nsteps; ++i) {
    const uintptr_t page = t.steps[i];
    PageCounter* c = counter(page);
    const bool last = !c || c->stepping.fetch_sub(1) == 1;
    if (last && g_in_mpi.load() == 0) {
      PageRun run;
      const int prot = guard_prot_now(page, c);
      if (prot >= 0) ::mprotect(reinterpret_cast<void*>(page), kPage, prot);
      // Another thread may have entered MPI (and opened every page) between the check and the
      // mprotect: then this page would stay closed inside its call, where the kernel's own
      // accesses (a recv into it) would fail instead of faulting. Opening it again is safe
      // whatever the order: enter_mpi counts before it opens.
      if (prot >= 0 && g_in_mpi.load() > 0 && find_run(page, run))
        ::mprotect(reinterpret_cast<void*>(page), kPage, run.orig);
    }
  }
  t.nsteps = 0;
  uc->uc_mcontext.gregs[REG_EFL] &= ~static_cast<greg_t>(kEflagsTrap);
  errno = saved;
}

void ensure_altstack() {
  ThreadGuard& t = t_guard;
  if (t.altstack) return;
  t.altstack = true;
  stack_t cur;
  if (sigaltstack(nullptr, &cur) == 0 && !(cur.ss_flags & SS_DISABLE)) return;  // the program's (faulthandler's)
  // A fault on a protected page of this thread's own stack cannot be delivered on that stack.
  const size_t size = 256 * 1024;
  void* mem = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return;
  stack_t ss;
  ss.ss_sp = mem;
  ss.ss_size = size;
  ss.ss_flags = 0;
  sigaltstack(&ss, nullptr);
}

bool is_mpi_library(const char* path) {
  const char* base = std::strrchr(path, '/');
  base = base ? base + 1 : path;
  static const char* const kPrefixes[] = {"libmpi",   "libopen-pal", "libopen-rte", "mca_",   "libpmix",   "libevent",
                                          "libhwloc", "libucp",      "libucs",      "libuct", "libfabric", "libpsm"};
  for (const char* p : kPrefixes)
    if (std::strncmp(base, p, std::strlen(p)) == 0) return true;
  return false;
}

}  // namespace

bool requested() {
  static const bool on = [] {
    const char* v = std::getenv("RMACHECK_GUARD");
    return v && *v && std::strcmp(v, "0") != 0 && std::strcmp(v, "false") != 0 && std::strcmp(v, "no") != 0;
  }();
  return on;
}

std::string& early_notes() {
  static std::string* s = new std::string;
  return *s;
}
void note_setting(const std::string& line) { early_notes() += line + "\n"; }

void prepare_mpi_settings() {
  if (!requested()) return;
  // Open MPI's single-copy transport (CMA) writes into this process's pages from another
  // process, at any time: a protected page makes it fail (EFAULT). Without it, shared-memory
  // transfers are copied by this process inside its own MPI calls, when every page is open;
  // one-sided communication on created windows then needs the pt2pt component (rdma relies on
  // single copy), and Debian's openmpi-mca-params.conf excludes pt2pt.
  setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0);
  setenv("OMPI_MCA_osc", "sm,pt2pt", 0);
}

bool install(std::string& settings) {
  if (!requested()) return false;
  decoder_init();
  {
    void* warm[4];
    backtrace(warm, 4);  // loads the unwinder now, not first inside a signal handler
  }
  if (const char* v = std::getenv("RMACHECK_GUARD_FAULTS")) {
    const long n = std::atol(v);
    if (n > 0) g_budget = static_cast<uint32_t>(n);
  }
  g_python = runtime().flags.python && rmacheck_py_frames_init();
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sa.sa_sigaction = on_segv;
  real_sigaction()(SIGSEGV, &sa, &g_prev[0]);
  sa.sa_sigaction = on_trap;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  real_sigaction()(SIGTRAP, &sa, &g_prev[1]);
  g_installed.store(true);
  ensure_altstack();
  const char* cma = std::getenv("OMPI_MCA_btl_vader_single_copy_mechanism");
  const char* osc = std::getenv("OMPI_MCA_osc");
  settings = "fault_budget=" + std::to_string(g_budget) + "\nstep=trap-flag\ndecode=zydis\n" +
             "openmpi=btl_vader_single_copy_mechanism=" + (cma ? cma : "(default)") +
             " osc=" + (osc ? osc : "(default)") + "\npython_lines=" +
             (g_python                                  ? rmacheck_py_frames_version()
              : dlsym(RTLD_DEFAULT, "Py_IsInitialized") ? "no"
                                                        : "not-python") +
             "\n" + early_notes();
  g_active.store(true, std::memory_order_release);
  return true;
}

bool enabled() { return g_active.load(std::memory_order_relaxed); }

void stop(std::string& summary) {
  if (!g_active.exchange(false)) return;
  {
    std::lock_guard<std::mutex> lock(g_mpi_mu);
    unprotect_runs();
  }
  summary = "faults=" + std::to_string(g_faults.load()) + "\nrecorded=" + std::to_string(g_recorded.load()) +
            "\nopened_after_budget=" + std::to_string(g_opened.load()) +
            "\npassed_mpi=" + std::to_string(g_passed.load()) + "\n";
}

bool touches_guarded(uintptr_t p, size_t n) {
  if (!g_active.load(std::memory_order_relaxed) || g_in_mpi.load(std::memory_order_relaxed) > 0 || t_in_wrapper)
    return false;
  PageRun run;
  for (uintptr_t page = page_of(p); page < p + n; page += kPage)
    if (find_run(page, run)) return true;
  return false;
}

void record_call_access(uintptr_t p, size_t n, uint32_t kind, uintptr_t pc) {
  if (t_guard.mpi_thread) return;
  Segment parts[8];
  const size_t np = watched_parts(p, p + n, parts, 8);
  for (size_t k = 0; k < np; ++k) record(parts[k].lo, parts[k].hi, kind, pc, nullptr, 0);
}

void watch(uintptr_t lo, uintptr_t hi, uint8_t kinds) { table_watch(lo, hi, kinds); }
void unwatch(uintptr_t lo, uintptr_t hi, uint8_t kinds) { table_unwatch(lo, hi, kinds); }

void enter_mpi() {
  if (!g_active.load(std::memory_order_relaxed)) return;
  ensure_altstack();
  t_guard.called_mpi = true;
  std::lock_guard<std::mutex> lock(g_mpi_mu);
  if (g_in_mpi.fetch_add(1) == 0) unprotect_runs();
}

void leave_mpi() {
  if (!g_active.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(g_mpi_mu);
  if (g_in_mpi.fetch_sub(1) == 1) {
    g_interval.fetch_add(1, std::memory_order_acq_rel);  // a new interval: budgets start again
    protect_runs();
  }
}

void flush(Sink sink) {
  ThreadGuard& t = t_guard;
  if (!t.nrec) return;
  sink(t.recs, t.nrec);
  t.nrec = 0;
}

}  // namespace rmacheck::guard

using namespace rmacheck::guard;

// ---- the program's own signal handlers: kept and chained, never installed over ours ----

RMACHECK_GUARD_API int sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
  if ((sig == SIGSEGV || sig == SIGTRAP) && g_installed.load(std::memory_order_acquire)) {
    if (old) *old = g_prev[slot(sig)];
    if (act) g_prev[slot(sig)] = *act;
    return 0;
  }
  return real_sigaction()(sig, act, old);
}

RMACHECK_GUARD_API sighandler_t signal(int sig, sighandler_t handler) {
  struct sigaction act, old;
  std::memset(&act, 0, sizeof act);
  act.sa_handler = handler;
  act.sa_flags = SA_RESTART;
  sigemptyset(&act.sa_mask);
  if (sigaction(sig, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;  // the union's other member when the old handler took SA_SIGINFO, as glibc returns it
}

namespace rmacheck::guard {

bool is_mpi_code(void* return_address) {
  Dl_info info;
  return dladdr(return_address, &info) && info.dli_fname && is_mpi_library(info.dli_fname);
}

void mark_mpi_thread() { t_guard.mpi_thread = true; }
bool in_fault_handler() { return t_guard.in_handler > 0; }

}  // namespace rmacheck::guard
