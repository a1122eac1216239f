#include "runtime.h"

#include <mpi.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "callsite.h"
#include "log_format.h"

namespace rmacheck {

thread_local bool t_in_wrapper = false;

Runtime& runtime() {
  static Runtime* rt = new Runtime;  // never destroyed: wrappers may run during static destruction
  return *rt;
}

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

int64_t thread_id() {
  static std::atomic<int64_t> next{0};
  thread_local int64_t id = next.fetch_add(1);
  return id;
}

namespace {
void parse(const char* s, std::string& out) { out = s; }
void parse(const char* s, int& out) { out = std::atoi(s); }
void parse(const char* s, bool& out) {
  out = !(std::strcmp(s, "0") == 0 || std::strcmp(s, "false") == 0 || std::strcmp(s, "no") == 0);
}

void make_dirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i)
    if (i == dir.size() || dir[i] == '/') ::mkdir(dir.substr(0, i).c_str(), 0755);
}

// The command line as one header value: arguments separated by \x1f (no newline can appear).
std::string command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && s.back() == '\0') s.pop_back();
  for (char& c : s)
    if (c == '\0')
      c = '\x1f';
    else if (c == '\n')
      c = ' ';
  return s;
}
}  // namespace

void Flags::load_from_env() {
#define RMACHECK_FLAG(type, field, env, def, help) \
  if (const char* v = std::getenv(env)) parse(v, field);
#include "flags.def"
#undef RMACHECK_FLAG
}

void start_logging(int thread_level) {
  Runtime& rt = runtime();
  rt.flags.load_from_env();
  if (rt.flags.disable) return;
  PMPI_Comm_rank(MPI_COMM_WORLD, &rt.world_rank);
  PMPI_Comm_size(MPI_COMM_WORLD, &rt.world_size);
  make_dirs(rt.flags.dir);
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
  int vlen = 0;
  PMPI_Get_library_version(version, &vlen);
  for (char& c : version)
    if (c == '\n') c = ' ';
  timespec real;
  clock_gettime(CLOCK_REALTIME, &real);
  std::ostringstream h;
  h << "rank=" << rt.world_rank << "\nsize=" << rt.world_size << "\npid=" << getpid() << "\nhost=" << host
    << "\nthread_level=" << thread_level << "\nstart_monotonic_ns=" << monotonic_ns()
    << "\nstart_realtime_ns=" << int64_t{real.tv_sec} * 1000000000 + real.tv_nsec << "\ncommand=" << command_line()
    << "\nmpi_library=" << version << "\n";
  std::string path = rt.flags.dir + "/rank-" + std::to_string(rt.world_rank) + ".log";
  if (!rt.log.open(path, h.str())) {
    std::fprintf(stderr, "rmacheck: cannot create log %s: %s; this rank is not checked\n", path.c_str(),
                 std::strerror(errno));
    return;
  }
  callsite_init();
  rt.active.store(true);
}

void stop_logging() {
  Runtime& rt = runtime();
  if (!rt.active.exchange(false)) return;
  uint8_t buf[16];
  uint8_t* p = buf;
  *p++ = kRecEnd;
  p = put_varint(p, monotonic_ns());
  rt.log.append(buf, static_cast<size_t>(p - buf));
  rt.log.close();
}

}  // namespace rmacheck
