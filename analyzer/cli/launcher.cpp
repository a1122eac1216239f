#include "cli/launcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/path_search.h"

namespace rmacheck {

namespace {

// The family's own launcher by its Debian name, whatever the alternatives make of plain
// mpirun/mpiexec: an MPICH program started by Open MPI's mpirun runs as N singletons.
std::vector<std::string> default_mpirun(MpiFamily mpi) {
  if (mpi == MpiFamily::kMpich) return {first_on_path({"mpiexec.mpich", "mpiexec"})};
  return {first_on_path({"mpirun.openmpi", "mpirun"})};
}

// VAR=VALUE for every rank: Open MPI's mpirun takes -x VAR=VALUE, MPICH's mpiexec (Hydra) -genv VAR VALUE.
void pass_env(std::vector<std::string>& argv, MpiFamily mpi, const std::string& var_value) {
  if (mpi != MpiFamily::kMpich) {
    argv.insert(argv.end(), {"-x", var_value});
    return;
  }
  const size_t eq = var_value.find('=');
  argv.insert(argv.end(), {"-genv", var_value.substr(0, eq), eq == std::string::npos ? "" : var_value.substr(eq + 1)});
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- Signals that stop `rmacheck run`: noted here, acted on by the wait loop.
volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_stop_count = 0;  // a second Ctrl-C does not wait for the grace period
int g_wake_pipe[2] = {-1, -1};           // the handler writes a byte so poll() returns at once

void on_stop_signal(int sig) {
  if (!g_stop_signal) g_stop_signal = sig;
  g_stop_count = g_stop_count + 1;
  const int saved = errno;
  if (g_wake_pipe[1] >= 0) (void)!write(g_wake_pipe[1], "x", 1);
  errno = saved;
}

const int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    g_stop_count = 0;
    if (pipe2(g_wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_wake_pipe[0] = g_wake_pipe[1] = -1;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &sa, &old_[i]);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe_);  // a closed stderr must not kill us with the job still running
  }
  ~StopSignals() {
    for (size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &old_[i], nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
    for (int& fd : g_wake_pipe)
      if (fd >= 0) ::close(fd), fd = -1;
  }
  // For the child between fork and exec: what the user's shell gave us, not our handlers.
  void restore_in_child() const {
    for (size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &old_[i], nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
  }

 private:
  struct sigaction old_[std::size(kStopSignals)];
  struct sigaction old_pipe_;
};

// ---- The job's processes. mpirun puts every rank in a process group of its
// own, so signalling mpirun's group does not reach them; rmacheck is a child
// subreaper, so ranks orphaned by a dying mpirun become its children.

// A /proc file of another process, whole; empty if it cannot be read. Plain read(2): the process
// may exit while it is read, and then read fails with ESRCH, which std::ifstream turns into an
// exception (libstdc++'s underflow throws std::ios_failure: it aborted rmacheck once in ~700 runs).
std::string read_proc_file(const std::string& path) {
  std::string out;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

// pid -> parent pid of every process, from /proc.
std::map<pid_t, pid_t> process_parents() {
  std::map<pid_t, pid_t> parents;
  DIR* d = opendir("/proc");
  if (!d) return parents;
  while (dirent* ent = readdir(d)) {
    char* end = nullptr;
    long pid = strtol(ent->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    const std::string stat = read_proc_file(std::string("/proc/") + ent->d_name + "/stat");
    const size_t paren = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (paren == std::string::npos || paren + 4 >= stat.size()) continue;
    char state = 0;
    long ppid = 0;
    // A zombie is gone already; its parent (mpirun, or rmacheck itself) reaps it.
    if (sscanf(stat.c_str() + paren + 1, " %c %ld", &state, &ppid) == 2 && state != 'Z')
      parents[static_cast<pid_t>(pid)] = ppid;
  }
  closedir(d);
  return parents;
}

// Whether process p has RMACHECK_DIR in its environment.
bool has_log_dir_env(pid_t p) {
  const std::string env = read_proc_file("/proc/" + std::to_string(p) + "/environ");
  for (size_t at = 0; at < env.size();) {
    const size_t end = std::min(env.find('\0', at), env.size());
    if (env.compare(at, 13, "RMACHECK_DIR=") == 0) return true;
    at = end + 1;
  }
  return false;
}

// Every live descendant of this process (mpirun, its ranks, ranks it orphaned, what ranks started),
// and which are the ranks: the topmost processes with RMACHECK_DIR in their environment (the
// launcher is given it with -x / -genv for the ranks: mpirun, mpiexec and Hydra's proxy do not have
// it in theirs). When rmacheck has it itself, or no process has it (a launcher that has not started
// the ranks yet), the leaves of the tree are taken for the ranks. `launchers` are the others that
// are not descended from a rank. Ranks and launchers are found only if asked (each process's
// environment is read): signalling and waiting need only the processes.
struct JobProcesses {
  std::map<pid_t, pid_t> parent;  // every job process -> its parent
  std::set<pid_t> ranks, launchers;
  bool empty() const { return parent.empty(); }
  bool has(pid_t p) const { return parent.count(p) != 0; }
};
JobProcesses job_processes(bool find_ranks = false) {
  std::map<pid_t, pid_t> parents = process_parents();
  std::multimap<pid_t, pid_t> children;
  for (const auto& [pid, ppid] : parents) children.emplace(ppid, pid);
  JobProcesses out;
  std::set<pid_t> leaves;
  const pid_t self = getpid();
  const bool env_tells = getenv("RMACHECK_DIR") == nullptr;
  // Walked from the top: a process's parent is classified before it.
  std::set<pid_t> under_rank;
  std::vector<pid_t> todo = {self};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    auto range = children.equal_range(p);
    for (auto it = range.first; it != range.second; ++it) {
      const pid_t c = it->second;
      if (out.parent.count(c)) continue;
      out.parent[c] = p;
      todo.push_back(c);
      if (under_rank.count(p) || out.ranks.count(p))
        under_rank.insert(c);
      else if (find_ranks && env_tells && has_log_dir_env(c))
        out.ranks.insert(c);
    }
    if (p != self && range.first == range.second) leaves.insert(p);
  }
  if (!find_ranks) return out;
  if (out.ranks.empty()) out.ranks = leaves;
  for (const auto& [pid, ppid] : out.parent)
    if (!out.ranks.count(pid) && !under_rank.count(pid)) out.launchers.insert(pid);
  return out;
}

void signal_job(pid_t launcher, int sig) {
  kill(-launcher, sig);  // mpirun's process group
  for (const auto& [pid, ppid] : job_processes().parent) kill(pid, sig);
}

// Stopping the job (--timeout, Ctrl-C, SIGTERM, SIGHUP) so that every rank writes its stop note
// (interpose/fatal_notes.cpp: where SIGTERM found a rank computing outside MPI) before anything
// kills it. Launchers do not give ranks that time: Hydra's mpiexec answers SIGTERM by sending
// the ranks SIGTERM and at once SIGKILL, so a rank that was not on a CPU then died without its
// note (sample-mpich.poll_window_flag_hang lost rank 1's line in 1 run of 7 on a loaded
// machine). So the launcher's processes are frozen (SIGSTOP) first, the ranks get SIGTERM, and
// once they are gone (or after the grace period, with SIGKILL) the launcher is continued and
// told to stop; whatever is left after another grace period is killed. A second Ctrl-C skips
// the waiting. Ranks that exit while their parent is frozen are zombies, which count as gone.
// A rank's own SIGTERM handler that calls MPI_Finalize or exit() may wait for the frozen launcher:
// it is killed when the grace period ends. (If rmacheck dies while the launcher is frozen, the
// kernel continues it when its process group is orphaned: SIGHUP and SIGCONT.)
class JobStop {
 public:
  JobStop(pid_t launcher, double grace_s) : launcher_(launcher), grace_s_(grace_s) {}
  bool begun() const { return phase_ != Phase::kRunning; }

  void begin(double now) {
    const JobProcesses job = job_processes(/*find_ranks=*/true);
    frozen_ = job.launchers;
    for (pid_t p : frozen_) kill(p, SIGSTOP);
    ranks_ = job.ranks;
    for (pid_t p : ranks_) kill(p, SIGTERM);
    phase_ = Phase::kRanks;
    since_ = now;
    if (ranks_.empty()) release(now);
  }

  void step(double now, bool hurry) {
    if (phase_ == Phase::kRanks) {
      const JobProcesses job = job_processes(/*find_ranks=*/true);
      for (pid_t p : job.ranks)  // started by the launcher just before it was frozen
        if (!frozen_.count(p) && ranks_.insert(p).second) kill(p, SIGTERM);
      bool alive = false;
      for (pid_t p : ranks_) alive = alive || job.has(p);
      const bool late = hurry || now - since_ > grace_s_;
      if (alive && !late) return;
      if (alive)
        for (pid_t p : ranks_) kill(p, SIGKILL);  // SIGTERM ignored or handled slowly, or a second Ctrl-C
      release(now);
    } else if (phase_ == Phase::kLauncher && (hurry || now - since_ > grace_s_)) {
      // Open MPI 4.1's mpirun often hangs after killing the ranks; ranks may ignore SIGTERM.
      signal_job(launcher_, SIGKILL);
      phase_ = Phase::kKilled;
    }
  }

 private:
  // mpirun and the rest are continued with SIGTERM pending: they clean up and exit.
  void release(double now) {
    signal_job(launcher_, SIGTERM);
    kill(-launcher_, SIGCONT);
    for (pid_t p : frozen_) kill(p, SIGCONT);
    phase_ = Phase::kLauncher;
    since_ = now;
  }

  enum class Phase { kRunning, kRanks, kLauncher, kKilled };
  pid_t launcher_;
  double grace_s_;
  Phase phase_ = Phase::kRunning;
  double since_ = 0;
  std::set<pid_t> frozen_, ranks_;
};

void reap_children() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

void write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the reader went away: drop the output, keep running the job
    data += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

std::string interposer_file_name(MpiFamily mpi) {
  return mpi == MpiFamily::kMpich ? "librmacheck-mpich.so" : "librmacheck.so";
}

std::string find_interposer_library(MpiFamily mpi) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "";
  std::string dir(exe, static_cast<size_t>(n));
  dir = dir.substr(0, dir.find_last_of('/'));  // .../bin
  std::string prefix = dir.substr(0, dir.find_last_of('/'));
  const std::string name = interposer_file_name(mpi);
  for (const std::string& candidate : {prefix + "/lib/" + name, dir + "/" + name})
    if (access(candidate.c_str(), R_OK) == 0) return candidate;
  return "";
}

LaunchResult launch(const LaunchOptions& opts, const std::string& interposer) {
  LaunchResult result;
  std::vector<std::string> argv = opts.mpirun.empty() ? default_mpirun(opts.mpi) : opts.mpirun;
  if (opts.ranks > 0) argv.insert(argv.end(), {"-n", std::to_string(opts.ranks)});
  std::string preload = interposer;
  if (const char* old = getenv("LD_PRELOAD"); old && *old) preload += std::string(":") + old;
  pass_env(argv, opts.mpi, "LD_PRELOAD=" + preload);
  pass_env(argv, opts.mpi, "RMACHECK_DIR=" + opts.log_dir);
  if (!opts.run_id.empty()) pass_env(argv, opts.mpi, "RMACHECK_RUN_ID=" + opts.run_id);
  for (const std::string& e : opts.env) pass_env(argv, opts.mpi, e);
  if (opts.mpi == MpiFamily::kMpich) {
    // Hydra: one rank's failure does not end the others.
    if (opts.keep_going) argv.push_back("-disable-auto-cleanup");
  } else {
    if (opts.keep_going) argv.insert(argv.end(), {"--mca", "orte_abort_on_non_zero_status", "0"});
    // Guarded pages: Open MPI must never copy into this process's pages from another process (CMA
    // single copy fails with EFAULT on a protected page); without it, created windows need osc pt2pt.
    if (opts.guard_memory)
      argv.insert(argv.end(), {"-x", "RMACHECK_GUARD=1", "--mca", "btl_vader_single_copy_mechanism", "none", "--mca",
                               "osc", "sm,pt2pt"});
  }
  argv.insert(argv.end(), opts.program.begin(), opts.program.end());

  // Open MPI refuses to run as root, and more ranks than cores, unless told.
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 0);

  int exec_pipe[2], out_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  StopSignals stop_signals;
  const pid_t parent = getpid();
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    result.error = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    setpgid(0, 0);  // its own process group: the terminal's Ctrl-C reaches rmacheck, which stops the job
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // rmacheck killed outright: the job still goes
    if (getppid() != parent) _exit(127);
    stop_signals.restore_in_child();
    dup2(out_pipe[1], STDERR_FILENO);
    if (opts.stdout_to_stderr) dup2(out_pipe[1], STDOUT_FILENO);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execvp(cargv[0], cargv.data());
    int e = errno;
    (void)!write(exec_pipe[1], &e, sizeof e);
    _exit(127);
  }
  setpgid(pid, pid);
  close(exec_pipe[1]);
  close(out_pipe[1]);
  int exec_errno = 0;
  if (read(exec_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    close(exec_pipe[0]);
    close(out_pipe[0]);
    waitpid(pid, nullptr, 0);
    result.error = "cannot start " + argv[0] + ": " + std::strerror(exec_errno);
    return result;
  }
  close(exec_pipe[0]);
  result.started = true;
  result.launcher_pid = pid;

  LauncherOutputScanner scanner;
  int out_fd = out_pipe[0];
  fcntl(out_fd, F_SETFL, fcntl(out_fd, F_GETFL) | O_NONBLOCK);
  auto relay = [&](int timeout_ms) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {g_wake_pipe[0], POLLIN, 0}};
    const nfds_t n = out_fd >= 0 ? 2 : 1;
    pollfd* first = out_fd >= 0 ? fds : fds + 1;
    if (poll(first, n, timeout_ms) <= 0) return;
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (read(g_wake_pipe[0], drain, sizeof drain) > 0) {
      }
    }
    if (out_fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      // Everything there is now (the pipe is non-blocking), so a chatty program is never held back.
      static char buf[65536];
      for (int chunk = 0; chunk < 256; ++chunk) {
        ssize_t r = read(out_fd, buf, sizeof buf);
        if (r > 0) {
          write_all(STDERR_FILENO, buf, static_cast<size_t>(r));
          scanner.feed(buf, static_cast<size_t>(r));
          continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
        close(out_fd);  // end of output (or a broken pipe)
        out_fd = -1;
        break;
      }
    }
  };

  int status = 0;
  JobStop stop(pid, opts.kill_grace_s);
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) break;
    const double now = seconds_since(t0);
    const int sig = g_stop_signal;
    if (!stop.begun() && (sig || (opts.timeout_s > 0 && now >= opts.timeout_s))) {
      if (sig)
        result.interrupted_by = sig;
      else
        result.timed_out = true;
      stop.begin(now);  // the ranks' logs need no flushing (they are shared mappings)
    } else if (stop.begun()) {
      stop.step(now, g_stop_count > 1);
    }
    relay(now < 1 ? 5 : 25);
  }
  // Whatever is left of the job (ranks orphaned by mpirun, a rank that ignored
  // SIGTERM) goes with it; nothing of the job outlives rmacheck.
  if (!job_processes().empty()) {
    signal_job(pid, SIGTERM);
    signal_job(pid, SIGCONT);  // a launcher still frozen (mpirun gone during the stop) must act on it
    for (int i = 0; i < 40 && !job_processes().empty(); ++i) {
      reap_children();
      relay(25);
    }
    signal_job(pid, SIGKILL);
  }
  reap_children();
  for (int i = 0; out_fd >= 0 && i < 200; ++i) relay(10);  // the rest of mpirun's output
  if (out_fd >= 0) close(out_fd);
  scanner.finish();
  result.messages = scanner.messages();
  result.duration_s = seconds_since(t0);
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    result.exit_signal = WTERMSIG(status);
    result.exit_status = 128 + result.exit_signal;
  }
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  return result;
}

RunMeta run_meta_of(const LaunchOptions& opts, const LaunchResult& result) {
  RunMeta meta;
  meta.present = true;
  meta.run_id = opts.run_id;
  meta.command = opts.program;
  meta.ranks = opts.ranks;
  meta.exit_status = result.exit_status;
  if (result.exit_signal) meta.exit_signal = result.exit_signal;
  meta.timed_out = result.timed_out;
  meta.timeout_s = opts.timeout_s;
  meta.interrupted_by = result.interrupted_by;
  meta.duration_s = result.duration_s;
  meta.launcher_pid = result.launcher_pid;
  meta.launcher = result.messages;
  return meta;
}

bool write_run_meta(const std::string& log_dir, const RunMeta& meta, std::string& error) {
  const std::string path = log_dir + "/run.json";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = path + ": cannot create: " + std::strerror(errno);
    return false;
  }
  const std::string text = run_meta_json(meta).dump(2) + "\n";
  const char* data = text.data();
  size_t n = text.size();
  int why = 0;
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      why = w < 0 ? errno : ENOSPC;
      break;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  if (::close(fd) != 0 && why == 0) why = errno;
  if (why != 0) {
    // A full disk: a partial run.json would make a later `rmacheck analyze DIR` fail.
    error = path + ": cannot write: " + std::strerror(why);
    ::unlink(path.c_str());
    return false;
  }
  return true;
}

}  // namespace rmacheck
