#include "cli/launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace rmacheck {

namespace {

bool on_path(const std::string& name) {
  const char* path = getenv("PATH");
  if (!path) return false;
  std::string p = path;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string candidate = p.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Open MPI's own mpirun even where Debian's alternatives point mpirun at another MPI.
std::vector<std::string> default_mpirun() { return {on_path("mpirun.openmpi") ? "mpirun.openmpi" : "mpirun"}; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::string find_interposer_library() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "";
  std::string dir(exe, static_cast<size_t>(n));
  dir = dir.substr(0, dir.find_last_of('/'));  // .../bin
  std::string prefix = dir.substr(0, dir.find_last_of('/'));
  for (const std::string& candidate : {prefix + "/lib/librmacheck.so", dir + "/librmacheck.so"})
    if (access(candidate.c_str(), R_OK) == 0) return candidate;
  return "";
}

LaunchResult launch(const LaunchOptions& opts, const std::string& interposer) {
  LaunchResult result;
  std::vector<std::string> argv = opts.mpirun.empty() ? default_mpirun() : opts.mpirun;
  if (opts.ranks > 0) argv.insert(argv.end(), {"-n", std::to_string(opts.ranks)});
  std::string preload = interposer;
  if (const char* old = getenv("LD_PRELOAD"); old && *old) preload += std::string(":") + old;
  argv.insert(argv.end(), {"-x", "LD_PRELOAD=" + preload, "-x", "RMACHECK_DIR=" + opts.log_dir});
  for (const std::string& e : opts.env) argv.insert(argv.end(), {"-x", e});
  if (opts.keep_going) argv.insert(argv.end(), {"--mca", "orte_abort_on_non_zero_status", "0"});
  argv.insert(argv.end(), opts.program.begin(), opts.program.end());

  // Open MPI refuses to run as root, and more ranks than cores, unless told.
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 0);

  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    result.error = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    setpgid(0, 0);  // its own process group, so a timeout can stop the whole job
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execvp(cargv[0], cargv.data());
    int e = errno;
    (void)!write(err_pipe[1], &e, sizeof e);
    _exit(127);
  }
  setpgid(pid, pid);
  close(err_pipe[1]);
  int exec_errno = 0;
  if (read(err_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    close(err_pipe[0]);
    waitpid(pid, nullptr, 0);
    result.error = "cannot start " + argv[0] + ": " + std::strerror(exec_errno);
    return result;
  }
  close(err_pipe[0]);
  result.started = true;

  int status = 0;
  bool stopping = false;
  double stop_at = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) break;
    const double now = seconds_since(t0);
    if (!stopping && opts.timeout_s > 0 && now >= opts.timeout_s) {
      // SIGTERM first: mpirun passes it on to the ranks and cleans up. The
      // ranks' logs need no flushing (they are shared mappings).
      result.timed_out = true;
      stopping = true;
      stop_at = now;
      kill(-pid, SIGTERM);
    } else if (stopping && now - stop_at > 2) {  // Open MPI 4.1's mpirun often hangs after killing the ranks
      kill(-pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(now < 1 ? 5 : 25));
  }
  if (stopping) kill(-pid, SIGKILL);  // stragglers left in the group
  result.duration_s = seconds_since(t0);
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    result.exit_signal = WTERMSIG(status);
    result.exit_status = 128 + result.exit_signal;
  }
  return result;
}

void write_run_meta(const LaunchOptions& opts, const LaunchResult& result) {
  nlohmann::json j;
  j["command"] = opts.program;
  j["ranks"] = opts.ranks;
  j["exit_status"] = result.exit_status;
  if (result.exit_signal) j["exit_signal"] = result.exit_signal;
  j["timed_out"] = result.timed_out;
  j["timeout_s"] = opts.timeout_s;
  j["duration_s"] = result.duration_s;
  std::ofstream(opts.log_dir + "/run.json") << j.dump(2) << "\n";
}

}  // namespace rmacheck
