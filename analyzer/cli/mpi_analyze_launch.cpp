#include "cli/mpi_analyze_launch.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/log_dir.h"
#include "cli/path_search.h"

namespace rmacheck {

namespace {

constexpr const char* kMpiAnalyzeName = "rmacheck-analyze-mpi";

// rmacheck-analyze-mpi beside this executable (bin/ of the build and the install tree alike), or "".
std::string mpi_analyze_path() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  self[n] = 0;
  std::string dir(self);
  dir = dir.substr(0, dir.rfind('/'));
  const std::string path = dir + "/" + kMpiAnalyzeName;
  return access(path.c_str(), X_OK) == 0 ? path : "";
}

std::vector<char*> c_argv(std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (std::string& a : argv) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

bool started_by_mpirun() {
  const char* size = getenv("OMPI_COMM_WORLD_SIZE");
  return size && std::atoi(size) > 1;
}

int exec_mpi_analyze(const std::vector<std::string>& analyze_args) {
  const std::string bin = mpi_analyze_path();
  if (bin.empty()) {
    std::cerr << "rmacheck: started by mpirun, but " << kMpiAnalyzeName
              << " (the MPI build of analyze) is not next to this executable\n";
    return 2;
  }
  std::vector<std::string> argv = {bin};
  argv.insert(argv.end(), analyze_args.begin(), analyze_args.end());
  std::vector<char*> cargv = c_argv(argv);
  execv(bin.c_str(), cargv.data());
  std::cerr << "rmacheck: cannot run " << bin << ": " << std::strerror(errno) << "\n";
  return 2;
}

int launch_mpi_analyze(int jobs, const std::vector<std::string>& analyze_args) {
  const std::string bin = mpi_analyze_path();
  if (bin.empty()) {
    std::cerr << "rmacheck: -j needs " << kMpiAnalyzeName << " next to this executable\n";
    return 2;
  }
  std::string status_dir, error;
  if (!make_private_log_dir(status_dir, error)) {
    std::cerr << "rmacheck: " << error << "\n";
    return 2;
  }
  const std::string status_file = status_dir + "/status";
  std::vector<std::string> argv = {first_on_path({"mpirun.openmpi", "mpirun"}),
                                   "-n",
                                   std::to_string(jobs),
                                   "-x",
                                   std::string(kAnalyzeStatusFileEnv) + "=" + status_file,
                                   bin};
  argv.insert(argv.end(), analyze_args.begin(), analyze_args.end());
  // As for `rmacheck run` (launcher.cpp): Open MPI refuses root, and more processes than cores, unless told.
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 0);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    std::cerr << "rmacheck: fork: " << std::strerror(errno) << "\n";
    rmdir(status_dir.c_str());
    return 2;
  }
  if (pid == 0) {
    std::vector<char*> cargv = c_argv(argv);
    execvp(cargv[0], cargv.data());
    std::fprintf(stderr, "rmacheck: cannot run %s: %s\n", cargv[0], std::strerror(errno));
    _exit(127);
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  int status = 2;
  std::ifstream in(status_file);
  if (!(in >> status)) {
    status = 2;
    std::cerr << "rmacheck: the parallel analysis (" << argv[0] << ") ended without a report status ("
              << (WIFEXITED(wstatus) ? "exit status " + std::to_string(WEXITSTATUS(wstatus))
                                     : "signal " + std::to_string(WTERMSIG(wstatus)))
              << ")\n";
  }
  unlink(status_file.c_str());
  rmdir(status_dir.c_str());
  return status;
}

}  // namespace rmacheck
