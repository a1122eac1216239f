#include "fatal_notes.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <iterator>

#include "callsite.h"
#include "guard/guard.h"
#include "guard/python_frames.h"
#include "log_format.h"
#include "record_buffer.h"
#include "runtime.h"
#include "thread_sync_internal.h"

namespace rmacheck {

namespace {

const int kFatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction g_previous[std::size(kFatal)];
std::atomic<bool> g_installed{false};
std::atomic<bool> g_noted{false};  // one record per process, whatever follows
pid_t g_owner = 0;                 // the process that opened the log (a forked child must not write to it)
using ExitFn = void (*)(int);
ExitFn g_real_exit = nullptr;

// Writes one note record if the log is open in this process and none was written yet.
void note(const uint8_t* rec, size_t n) {
  Runtime& rt = runtime();
  if (!rt.active.load(std::memory_order_relaxed) || getpid() != g_owner || g_noted.exchange(true)) return;
  rt.log.try_append(rec, n);
}

int slot_of(int sig) {
  for (size_t i = 0; i < std::size(kFatal); ++i)
    if (kFatal[i] == sig) return static_cast<int>(i);
  return -1;
}

// Passes the signal on to what was there before us, with the same arguments; for the default
// action, puts it back and lets the signal (re)arrive once we return.
void chain(const struct sigaction& prev, int sig, siginfo_t* info, void* context) {
  if ((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction) {
    prev.sa_sigaction(sig, info, context);
    return;
  }
  if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  sigaction(sig, &prev, nullptr);
  if (prev.sa_handler == SIG_DFL) raise(sig);
}

void on_fatal_signal(int sig, siginfo_t* info, void* context) {
  const int slot = slot_of(sig);
  {
    uint8_t buf[40];
    uint8_t* p = buf;
    *p++ = kRecSignal;
    p = put_varint(p, sig);
    p = put_varint(p, info ? info->si_code : 0);
    p = put_varint(p, monotonic_ns());
    note(buf, static_cast<size_t>(p - buf));
  }
  chain(g_previous[slot], sig, info, context);
}

// ---- the stop note: where SIGTERM found the thread, if outside MPI or inside rmacheck ----
struct sigaction g_previous_term;
std::atomic<bool> g_stop_noted{false};
RecordBuffer* g_stop_rec = nullptr;  // grown at install: the handler must not allocate
bool g_python_frames = false;
pid_t g_init_thread = 0;  // the kernel's id of the thread that started logging (MPI_Init's)
std::atomic<bool> g_stop_forwarded{false};

// Whether thread `tid` of this process cannot take `sig`: it blocks it (a program that waits for
// signals in a thread of its own blocks them in the others), or it has ended (a main thread that
// called pthread_exit stays a zombie while the process lives). From /proc: open, read and close are
// async-signal-safe.
bool thread_cannot_take(pid_t tid, int sig) {
  char path[64] = "/proc/self/task/";
  char digits[16];
  int n = 0;
  for (unsigned v = static_cast<unsigned>(tid); v || n == 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
  size_t at = std::strlen(path);
  while (n > 0) path[at++] = digits[--n];
  std::memcpy(path + at, "/status", 8);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;  // gone, or no /proc: do not hand the signal to it
  char buf[2048];
  const ssize_t got = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (got <= 0) return true;
  buf[got] = '\0';
  if (const char* state = std::strstr(buf, "\nState:")) {
    const char* c = state + 7;
    while (*c == ' ' || *c == '\t') ++c;
    if (*c == 'Z' || *c == 'X') return true;
  }
  const char* line = std::strstr(buf, "\nSigBlk:");
  if (!line) return true;
  uint64_t mask = 0;
  for (const char* c = line + 9; *c && *c != '\n'; ++c) {
    if (*c >= '0' && *c <= '9')
      mask = mask << 4 | static_cast<uint64_t>(*c - '0');
    else if (*c >= 'a' && *c <= 'f')
      mask = mask << 4 | static_cast<uint64_t>(*c - 'a' + 10);
  }
  return (mask >> (sig - 1)) & 1;
}

// A process-directed SIGTERM goes to any thread that does not block it, also to one the MPI library
// started (MPICH's, libfabric's, hwloc's) or one rmacheck never saw write a record: its stack says
// nothing of where the program is (seen under MPICH: a note from "thread 1" with no program frame).
// Such a thread passes the signal on, once, to the thread that initialized MPI and carries on; that
// thread notes where it is and ends the process. A thread of the program's (one it started once
// MPI was initialized, whose start is logged: an OpenMP worker, a pthread) notes its own place.
bool forwarded_to_init_thread(int sig) {
  const bool foreign = !thread_seen() || thread_sync::mpi_thread();
  if (!foreign || g_init_thread == 0 || getpid() != g_owner) return false;
  if (static_cast<pid_t>(syscall(SYS_gettid)) == g_init_thread || g_stop_forwarded.exchange(true)) return false;
  if (thread_cannot_take(g_init_thread, sig)) return false;
  return syscall(SYS_tgkill, g_owner, g_init_thread, sig) == 0;  // ESRCH: that thread is gone, note here
}

void on_stop_signal(int sig, siginfo_t* info, void* context) {
  const int saved = errno;
  if (forwarded_to_init_thread(sig)) {
    errno = saved;
    return;
  }
  Runtime& rt = runtime();
  // A thread inside the MPI library's part of a call: the log says which, the note would add nothing.
  // A thread in rmacheck's own code (a wrapper before or after its PMPI call, the guard's fault
  // handler) is noted as such: a stop there is rmacheck's defect, not the program's computing.
  const bool in_rmacheck = (t_in_wrapper && !t_in_pmpi) || guard::in_fault_handler();
  if ((!t_in_wrapper || in_rmacheck) && g_stop_rec && rt.active.load(std::memory_order_relaxed) &&
      getpid() == g_owner && !g_stop_noted.exchange(true)) {
    const bool was_in_wrapper = t_in_wrapper;
    t_in_wrapper = true;  // our own locks below are not the program's synchronization
    RecordBuffer& rec = *g_stop_rec;
    rec.reset(kRecStopped);
    rec.varint(sig);
    rec.varint(thread_id());
    rec.varint(next_seq());
    rec.varint(monotonic_ns());
    if (in_rmacheck) rec.field(kF_in_rmacheck, 1);
    // Python frames need the interpreter's state, which rmacheck's code may be holding or changing.
    if (g_python_frames && !in_rmacheck) {
      RmacheckRawPyFrame raw[guard::kPyFrames];
      int gil = 0;
      const int n = rmacheck_py_frames_capture(raw, static_cast<int>(guard::kPyFrames), &gil);
      guard::PyFrameRef frames[guard::kPyFrames];
      for (int i = 0; i < n; ++i) frames[i] = {raw[i].code, raw[i].lasti};
      if (n > 0) record_python_frames_in_handler(rec, frames, static_cast<uint32_t>(n));
    }
    // The interrupted instruction, then its callers (pcs are return addresses: the reader looks
    // up pc - 1, so the interrupted one goes in as the address after its first byte).
    const auto* uc = static_cast<const ucontext_t*>(context);
    const uintptr_t at = uc ? static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]) : 0;
    void* frames[40];
    const int n = backtrace(frames, 40);
    int first = 0;
    while (first < n && reinterpret_cast<uintptr_t>(frames[first]) != at) ++first;
    uint64_t pcs[40];
    size_t npcs = 0;
    if (at) pcs[npcs++] = at + 1;
    for (int i = first + 1; i < n && npcs < 24; ++i) pcs[npcs++] = reinterpret_cast<uintptr_t>(frames[i]);
    rec.array(kF_pcs, pcs, npcs);
    rt.log.try_append(rec.data(), rec.size());
    t_in_wrapper = was_in_wrapper;
  }
  errno = saved;
  chain(g_previous_term, sig, info, context);
}

void install_stop_note() {
  struct sigaction old {};
  if (sigaction(SIGTERM, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) return;  // ignored: stays so
  g_previous_term = old;
  static RecordBuffer rec;
  static const uint8_t zeros[4096] = {};
  rec.reset(kRecStopped);
  rec.raw(zeros, sizeof zeros);  // capacity for the largest note, allocated now
  g_stop_rec = &rec;
  g_init_thread = static_cast<pid_t>(syscall(SYS_gettid));
  if (runtime().flags.python) g_python_frames = rmacheck_py_frames_init() != 0;
  {
    void* warm[4];
    backtrace(warm, 4);  // loads the unwinder now, not first inside the handler
  }
  struct sigaction sa {};
  sa.sa_sigaction = on_stop_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
}

void remove_stop_note() {
  struct sigaction now {};
  if (g_stop_rec && sigaction(SIGTERM, nullptr, &now) == 0 && (now.sa_flags & SA_SIGINFO) &&
      now.sa_sigaction == on_stop_signal)
    sigaction(SIGTERM, &g_previous_term, nullptr);
}

}  // namespace

// Open MPI ends a process this way when a call fails under MPI_ERRORS_ARE_FATAL
// (ompi_mpi_abort); exit() does not come through here (glibc calls its own _exit).
RMACHECK_API void _exit(int status) {
  uint8_t buf[40];
  uint8_t* p = buf;
  *p++ = kRecExitCall;
  p = put_varint(p, status);
  p = put_varint(p, thread_id());
  p = put_varint(p, t_in_wrapper ? 1 : 0);
  p = put_varint(p, monotonic_ns());
  note(buf, static_cast<size_t>(p - buf));
  if (g_real_exit) g_real_exit(status);
  syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

// MPICH ends a process whose call failed under MPI_ERRORS_ARE_FATAL through exit(error class)
// (PMI abort), after a message Hydra does not always pass on before it kills the job: a note of
// an exit from inside a call is then the only trace. Exits outside MPI calls are the program's.
RMACHECK_API void exit(int status) noexcept {
  static ExitFn real = reinterpret_cast<ExitFn>(dlsym(RTLD_NEXT, "exit"));
  if (t_in_wrapper) {
    uint8_t buf[40];
    uint8_t* p = buf;
    *p++ = kRecExitCall;
    p = put_varint(p, status);
    p = put_varint(p, thread_id());
    p = put_varint(p, 1);
    p = put_varint(p, monotonic_ns());
    note(buf, static_cast<size_t>(p - buf));
  }
  if (real) real(status);
  syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

void install_fatal_notes() {
  if (g_installed.exchange(true)) return;
  g_owner = getpid();
  if (!g_real_exit) g_real_exit = reinterpret_cast<ExitFn>(dlsym(RTLD_NEXT, "_exit"));
  struct sigaction sa {};
  sa.sa_sigaction = on_fatal_signal;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < std::size(kFatal); ++i) {
    struct sigaction old {};
    if (sigaction(kFatal[i], nullptr, &old) != 0 || old.sa_handler == SIG_IGN) {
      g_previous[i] = old;  // an ignored signal stays ignored: not ours to change
      continue;
    }
    g_previous[i] = old;
    sigaction(kFatal[i], &sa, nullptr);
  }
  install_stop_note();
}

void remove_fatal_notes() {
  if (!g_installed.exchange(false)) return;
  for (size_t i = 0; i < std::size(kFatal); ++i) {
    struct sigaction now {};
    if (sigaction(kFatal[i], nullptr, &now) == 0 && (now.sa_flags & SA_SIGINFO) && now.sa_sigaction == on_fatal_signal)
      sigaction(kFatal[i], &g_previous[i], nullptr);
  }
  remove_stop_note();
}

}  // namespace rmacheck
