// rmacheck-analyze-mpi: `rmacheck analyze` as K MPI processes. The log files
// are shared out: each process reads only its share and broadcasts what it
// read (parallel/rank_log_wire.h), so every process builds the same model
// as the serial analysis, from logs each file of which one process read; the
// detectors are shared out (detector_shares.h), each process runs its own,
// and process 0 gathers their findings and notes, puts them in registry
// order (what the serial run_detectors produces), and writes the report
// exactly as `rmacheck analyze` does (cli/analyze_command.cpp). Started by
// `rmacheck analyze -j K` or, through rmacheck's exec, by
// `mpirun -n K rmacheck analyze DIR`; it takes analyze's arguments.
#include <mpi.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/analyze_command.h"
#include "cli/mpi_analyze_launch.h"
#include "detectors/wording.h"
#include "parallel/detector_shares.h"
#include "parallel/finding_wire.h"
#include "parallel/rank_log_wire.h"

using namespace rmacheck;

namespace {

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int world_size() {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// --stats: what each process spent (CPU s): before its detectors (MPI_Init, reading the logs), on them;
// and of that first part, on reading its share of the files and on receiving the others' (kStats per process).
constexpr int kStats = 5;
std::vector<double> process_cpu;  // on process 0: kStats per process
struct ReadShare {
  int files = 0;  // read by this process
  double read_s = 0, exchange_s = 0;
} read_share;

// Which process reads each file: shared out by size (detector_shares.h), so the bytes to read are balanced.
std::vector<int> share_files(const std::vector<std::string>& files, int processes) {
  std::vector<double> size(files.size(), 0);
  for (size_t i = 0; i < files.size(); ++i) {
    struct stat st;
    if (stat(files[i].c_str(), &st) == 0) size[i] = static_cast<double>(st.st_size);
    size[i] += 1;  // empty files are shared out too
  }
  return share_out(size, processes);
}

// Broadcasts `bytes` (resized on the receivers) from `root`, in pieces an int count can hold.
void broadcast(std::vector<uint8_t>& bytes, int root) {
  uint64_t size = bytes.size();
  MPI_Bcast(&size, 1, MPI_UINT64_T, root, MPI_COMM_WORLD);
  if (world_rank() != root) bytes.resize(static_cast<size_t>(size));
  constexpr uint64_t kPiece = uint64_t{1} << 30;
  for (uint64_t at = 0; at < size; at += kPiece)
    MPI_Bcast(bytes.data() + at, static_cast<int>(std::min(kPiece, size - at)), MPI_BYTE, root, MPI_COMM_WORLD);
}

// The LogFileReader of a parallel analysis: this process reads its share of the files, then each
// file's reader broadcasts what it read, in file order, and the others decode it. Every
// process ends with what the serial analysis reads; each read only its share of the files.
void read_my_share(const std::vector<std::string>& files, std::vector<ReadLog>& out) {
  const int me = world_rank();
  const std::vector<int> owner = share_files(files, world_size());
  out.assign(files.size(), ReadLog{});
  const double t0 = cpu_seconds();
  for (size_t i = 0; i < files.size(); ++i)
    if (owner[i] == me) out[i].usable = read_rank_log(files[i], out[i].log), ++read_share.files;
  const double t1 = cpu_seconds();
  for (size_t i = 0; i < files.size(); ++i) {
    std::vector<uint8_t> bytes;
    if (owner[i] == me) bytes = encode_rank_log(out[i].usable, out[i].log);
    broadcast(bytes, owner[i]);
    std::string error;
    if (owner[i] != me && !decode_rank_log(bytes.data(), bytes.size(), out[i].usable, out[i].log, error)) {
      std::cerr << "rmacheck: " << files[i] << ": " << error << "\n";
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
  }
  read_share.read_s = t1 - t0;
  read_share.exchange_s = cpu_seconds() - t1;
}

// Runs this process's detectors; on process 0 returns every process's output in registry order.
Analysis run_my_share(const Model& model, const std::function<void(const char*)>& on_detector) {
  const int me = world_rank(), processes = world_size();
  std::vector<std::unique_ptr<Detector>> detectors = all_detectors();
  std::vector<std::string> names;
  for (const auto& d : detectors) names.push_back(d->name());
  const std::vector<int> owner = share_detectors(names, processes);
  const double t_start = cpu_seconds();
  AnalysisContext ctx(model);
  std::vector<DetectorOutput> mine;
  for (size_t i = 0; i < detectors.size(); ++i) {
    if (owner[i] != me) continue;
    if (on_detector) on_detector(detectors[i]->name());
    DetectorOutput out;
    out.detector = static_cast<int>(i);
    detectors[i]->run(ctx, out.analysis);
    mine.push_back(std::move(out));
  }
  const double spent[kStats] = {t_start, cpu_seconds() - t_start, static_cast<double>(read_share.files),
                                read_share.read_s, read_share.exchange_s};
  process_cpu.resize(me == 0 ? kStats * static_cast<size_t>(processes) : 0);
  MPI_Gather(spent, kStats, MPI_DOUBLE, process_cpu.data(), kStats, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  std::vector<uint8_t> bytes = encode_outputs(mine);
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    std::cerr << "rmacheck: the findings of one process exceed 2 GiB\n";
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  int size = static_cast<int>(bytes.size());
  std::vector<int> sizes(static_cast<size_t>(processes)), offsets(static_cast<size_t>(processes));
  MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  long long total = 0;
  for (int p = 0; p < processes; ++p) {
    offsets[static_cast<size_t>(p)] = static_cast<int>(total);
    total += sizes[static_cast<size_t>(p)];
  }
  if (me == 0 && total > INT_MAX) {
    std::cerr << "rmacheck: the findings of all processes exceed 2 GiB\n";
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  std::vector<uint8_t> all(me == 0 ? static_cast<size_t>(total) : 0);
  MPI_Gatherv(bytes.data(), size, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, 0, MPI_COMM_WORLD);
  Analysis analysis;
  if (me != 0) return analysis;
  std::vector<Analysis> by_detector(detectors.size());
  for (int p = 0; p < processes; ++p) {
    std::vector<DetectorOutput> outputs;
    std::string error;
    const size_t at = static_cast<size_t>(offsets[static_cast<size_t>(p)]);
    if (!decode_outputs(all.data() + at, static_cast<size_t>(sizes[static_cast<size_t>(p)]), outputs, error)) {
      std::cerr << "rmacheck: " << error << "\n";
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    for (DetectorOutput& o : outputs)
      if (o.detector >= 0 && static_cast<size_t>(o.detector) < by_detector.size())
        by_detector[static_cast<size_t>(o.detector)] = std::move(o.analysis);
  }
  // The one note detectors share (push_leak_note: the leak detectors add it once between them,
  // seeing each other's notes in the serial run) is added once here too.
  const std::string leak = leak_note(ctx.leak_scope());
  for (Analysis& a : by_detector) {
    for (Finding& f : a.findings) analysis.findings.push_back(std::move(f));
    for (std::string& n : a.notes)
      if (leak.empty() || n != leak ||
          std::find(analysis.notes.begin(), analysis.notes.end(), n) == analysis.notes.end())
        analysis.notes.push_back(std::move(n));
  }
  return analysis;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const bool reports = world_rank() == 0;
  if (!reports) {
    // What there is to say about the command line and the logs, process 0 says once.
    std::cout.setstate(std::ios::failbit);
    std::cerr.setstate(std::ios::failbit);
  }
  AnalyzeArgs a;
  int status = parse_analyze_args(std::vector<std::string>(argv + 1, argv + argc), a);
  if (status < 0) {
    ReportOutput ro = a.ro;
    if (!reports) ro.quiet = true, ro.stats = false;
    const DetectorRunner runner{run_my_share, reports, read_my_share};
    status = analyze(a.dir, ro, LogDirPolicy{}, nullptr, runner);
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (reports && a.ro.stats)
    for (size_t p = 0; kStats * p + kStats - 1 < process_cpu.size(); ++p) {
      const double* s = &process_cpu[kStats * p];
      std::fprintf(stderr,
                   "rmacheck: stats: process %zu: read %.0f log files in %.3f s, received the others' in %.3f s; "
                   "%.3f s before its detectors (MPI_Init, reading), %.3f s on them (CPU)\n",
                   p, s[2], s[3], s[4], s[0], s[1]);
    }
  // Under `analyze -j K` the status goes through a file and every process exits 0 (mpi_analyze_launch.h).
  const char* status_file = std::getenv(kAnalyzeStatusFileEnv);
  if (reports && status_file && *status_file) std::ofstream(status_file) << status << "\n";
  MPI_Finalize();
  return status_file && *status_file ? 0 : status;
}
