#include "runtime.h"

#include <mpi.h>
#include <strings.h>
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
#include "fatal_notes.h"
#include "log_format.h"
#include "record_buffer.h"

namespace rmacheck {

thread_local bool t_in_wrapper = false;
__thread int64_t t_last_seq_number = 0;
thread_local bool t_in_pmpi = false;

Runtime& runtime() {
  static Runtime* rt = new Runtime;  // never destroyed: wrappers may run during static destruction
  return *rt;
}

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

bool g_call_clock_tsc = false;
std::atomic<int64_t> g_next_clock_pair{INT64_MAX};

namespace {
// A counter reading and the monotonic time at the same instant (the middle of two clock reads).
void clock_pair(int64_t& tsc, int64_t& ns) {
  const int64_t a = monotonic_ns();
  tsc = call_clock();
  ns = a + (monotonic_ns() - a) / 2;
}

// The counter may stand for CLOCK_MONOTONIC when the kernel itself derives that clock from it.
bool tsc_is_the_clock() {
#if defined(__x86_64__)
  std::ifstream src("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string name;
  if (!(src >> name) || name != "tsc") return false;
  std::ifstream cpu("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpu, line))
    if (line.rfind("flags", 0) == 0)
      return line.find(" constant_tsc") != std::string::npos && line.find(" nonstop_tsc") != std::string::npos;
#endif
  return false;
}
}  // namespace

namespace {
int64_t g_first_tsc = 0, g_first_ns = 0;
int64_t g_pair_interval = INT64_MAX;               // counter ticks in kClockPairInterval, once the rate is known
constexpr int64_t kClockPairInterval = 100000000;  // ns: the analyzer's conversion never extrapolates further
}  // namespace

void log_clock_pair() {
  if (!g_call_clock_tsc) return;
  int64_t tsc, ns;
  clock_pair(tsc, ns);
  if (!g_first_tsc) {
    g_first_tsc = tsc, g_first_ns = ns;
  } else if (g_pair_interval == INT64_MAX && ns > g_first_ns && tsc > g_first_tsc) {
    g_pair_interval =
        static_cast<int64_t>(static_cast<double>(kClockPairInterval) * static_cast<double>(tsc - g_first_tsc) /
                             static_cast<double>(ns - g_first_ns));
  }
  // Threads may race here: a pair more or less is harmless.
  g_next_clock_pair.store(g_pair_interval == INT64_MAX ? INT64_MAX : tsc + g_pair_interval, std::memory_order_relaxed);
  uint8_t buf[1 + 2 * kMaxVarint];
  uint8_t* p = buf;
  *p++ = kRecClock;
  p = put_varint(p, tsc);
  p = put_varint(p, ns);
  runtime().log.append(buf, static_cast<size_t>(p - buf));
}

namespace {
std::atomic<int64_t> g_next_thread_id{0};
__thread int64_t t_thread_id = -1;  // constant-initialized: no guard, and safe to test in a signal handler
}  // namespace

int64_t thread_id() {
  if (t_thread_id < 0) t_thread_id = g_next_thread_id.fetch_add(1, std::memory_order_relaxed);
  return t_thread_id;
}
bool thread_seen() { return t_thread_id >= 0; }

namespace {

// Values are read whole: "4x" is not 4. A malformed value keeps the default and is reported.
bool parse(const char* s, std::string& out) {
  out = s;
  return true;
}
bool parse(const char* s, int& out) {
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno == ERANGE || v < 0 || v > 1 << 20) return false;
  out = static_cast<int>(v);
  return true;
}
bool parse(const char* s, bool& out) {
  for (const char* yes : {"1", "true", "yes", "on"})
    if (strcasecmp(s, yes) == 0) return out = true;
  for (const char* no : {"0", "false", "no", "off", ""})
    if (strcasecmp(s, no) == 0) return !(out = false);
  return false;
}
const char* expected(const std::string&) { return "a string"; }
const char* expected(int) { return "a whole number from 0 to 1048576"; }
const char* expected(bool) { return "1/0, true/false, yes/no or on/off"; }

// Directories as a user would make them; the last one (the log directory) private:
// logs hold command lines, host names and addresses.
void make_dirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i)
    if (i == dir.size() || dir[i] == '/') ::mkdir(dir.substr(0, i).c_str(), i == dir.size() ? 0700 : 0755);
}

// The id every rank of one mpirun job shares, when rmacheck run did not pass one.
std::string derived_run_id() {
  if (const char* ns = std::getenv("PMIX_NAMESPACE"); ns && *ns) return std::string("job-") + ns;
  if (const char* job = std::getenv("OMPI_MCA_ess_base_jobid"); job && *job) return std::string("job-") + job;
  // No job id in the environment (MPICH's Hydra sets none; a singleton has none): rank 0's
  // pid and time, broadcast, so that all ranks of the job still share one id. Every rank
  // gets here, inside MPI_Init, with the same environment.
  char id[64] = {0};
  timespec real;
  clock_gettime(CLOCK_REALTIME, &real);
  std::snprintf(id, sizeof id, "pid-%ld-%ld", static_cast<long>(getpid()), static_cast<long>(real.tv_sec));
  {
    BlockingPmpi in_mpi;
    PMPI_Bcast(id, sizeof id, MPI_CHAR, 0, MPI_COMM_WORLD);
  }
  id[sizeof id - 1] = '\0';
  return id;
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
// The library's text for every error class, once: a rank that the library ends with
// _exit(error code) has no time to say why, and its message does not always reach mpirun.
void log_error_classes(LogWriter& log) {
  RecordBuffer rec;
  rec.reset(kRecErrorClasses);
  int last = MPI_ERR_LASTCODE;
  if (last < 0 || last > 1024) last = 1024;
  rec.varint(last + 1);
  for (int code = 0; code <= last; ++code) {
    char text[MPI_MAX_ERROR_STRING + 1] = {0};
    int len = 0;
    if (PMPI_Error_string(code, text, &len) != MPI_SUCCESS || len < 0) len = 0;
    rec.varint(code);
    rec.varint(len);
    rec.raw(text, static_cast<size_t>(len));
  }
  log.append(rec.data(), rec.size());
}

}  // namespace

void Flags::load_from_env(bool warn) {
  auto warn_bad = [warn](const char* env, const char* value, const char* want) {
    if (warn) std::fprintf(stderr, "rmacheck: %s=%s is malformed (expected %s); using the default\n", env, value, want);
  };
#define RMACHECK_FLAG(type, field, env, def, help)                         \
  if (const char* v = std::getenv(env)) {                                  \
    if (!parse(v, field)) warn_bad(env, v, expected(type{})), field = def; \
  }
#include "flags.def"
#undef RMACHECK_FLAG
  if (!warn) return;
  static const char* const known[] = {
#define RMACHECK_FLAG(type, field, env, def, help) env,
#include "flags.def"
#undef RMACHECK_FLAG
  };
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "RMACHECK_", 9) != 0) continue;
    const char* eq = std::strchr(*e, '=');
    const std::string name(*e, eq ? static_cast<size_t>(eq - *e) : std::strlen(*e));
    bool found = false;
    for (const char* k : known) found = found || name == k;
    if (!found)
      std::fprintf(stderr, "rmacheck: unknown environment variable %s ignored (`rmacheck help flags` lists them)\n",
                   name.c_str());
  }
}

void start_logging(int thread_level) {
  Runtime& rt = runtime();
  PMPI_Comm_rank(MPI_COMM_WORLD, &rt.world_rank);
  PMPI_Comm_size(MPI_COMM_WORLD, &rt.world_size);
  rt.flags.load_from_env(/*warn=*/rt.world_rank == 0);  // every rank has the same environment: one warning
  if (rt.flags.disable) return;
  if (rt.flags.run_id.empty()) rt.flags.run_id = derived_run_id();
  make_dirs(rt.flags.dir);
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
  int vlen = 0;
  PMPI_Get_library_version(version, &vlen);
  for (char& c : version)
    if (c == '\n') c = ' ';
  // The largest tag this MPI takes (MPI_TAG_UB, at least 32767): the analyzer judges tags against it.
  int* tag_ub = nullptr;
  int has_tag_ub = 0;
  PMPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tag_ub, &has_tag_ub);
  timespec real;
  clock_gettime(CLOCK_REALTIME, &real);
  g_call_clock_tsc = rt.flags.cycle_counter && tsc_is_the_clock();
  std::ostringstream h;
  h << "run_id=" << rt.flags.run_id << "\nrank=" << rt.world_rank << "\nsize=" << rt.world_size << "\npid=" << getpid()
    << "\nhost=" << host << "\nthread_level=" << thread_level << "\nstart_monotonic_ns=" << monotonic_ns()
    << "\nstart_realtime_ns=" << int64_t{real.tv_sec} * 1000000000 + real.tv_nsec << "\ncommand=" << command_line()
    << "\nmpi_library=" << version << "\ncall_clock=" << (g_call_clock_tsc ? "tsc" : "ns") << "\n";
  if (has_tag_ub && tag_ub) h << "tag_ub=" << *tag_ub << "\n";
  std::string path = rt.flags.dir + "/rank-" + std::to_string(rt.world_rank) + ".log";
  std::string why;
  if (!rt.log.open(path, h.str(), why)) {
    std::fprintf(stderr, "rmacheck: cannot create log %s: %s; this rank is not checked\n", path.c_str(), why.c_str());
    return;
  }
  // Two counter/monotonic pairs a millisecond apart give the counter's rate from the start; then a call
  // that starts 100 ms after the last pair logs another (so a rank that dies is converted with a rate
  // measured near its end), and MPI_Finalize the last.
  log_clock_pair();
  callsite_init();
  log_error_classes(rt.log);
  if (g_call_clock_tsc) {
    const int64_t until = monotonic_ns() + 1000000;
    while (monotonic_ns() < until) {
    }
    log_clock_pair();
  }
  rt.active.store(true);
  install_fatal_notes();
}

void stop_logging() {
  Runtime& rt = runtime();
  if (!rt.active.exchange(false)) return;
  remove_fatal_notes();
  log_clock_pair();
  uint8_t buf[16];
  uint8_t* p = buf;
  *p++ = kRecEnd;
  p = put_varint(p, monotonic_ns());
  rt.log.append(buf, static_cast<size_t>(p - buf));
  rt.log.close();
}

}  // namespace rmacheck
