// libFuzzer target over the whole path a log directory takes through the
// analyzer: reading (log_reader), the model (run.json, run ids, ranks),
// every detector, the report in every format, and `rmacheck dump`.
//
// One input is one log directory: the bytes before the first log magic are
// DIR/run.json (none when empty), then each "RMACHECK-LOG" starts the next
// rank's log (rank-0.log, rank-1.log, ...; at most 8), whose record
// checksums are made right again. The seed corpus is real logs written that
// way (tests/fuzz/corpus, made by make_seed.py).
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "cli/dump.h"
#include "detectors/detector.h"
#include "log_format.h"
#include "model/model.h"
#include "report/report.h"

namespace {

constexpr size_t kMaxLogs = 8;

// A private directory for this process, emptied before each input.
const std::string& work_dir() {
  static const std::string dir = [] {
    const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    std::string tmpl = std::string(base) + "/rmacheck-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      abort();
    }
    return tmpl;
  }();
  return dir;
}

void clear_dir(const std::string& dir) {
  unlink((dir + "/run.json").c_str());
  for (size_t i = 0; i < kMaxLogs; ++i) unlink((dir + "/rank-" + std::to_string(i) + ".log").c_str());
}

// Recomputes every record's checksum, so that mutations reach the record
// decoder instead of all stopping at "checksum mismatch" (the reader's own
// unit tests cover that check).
std::vector<uint8_t> with_checksums(const uint8_t* data, size_t size) {
  using namespace rmacheck;
  std::vector<uint8_t> log(data, data + size);
  size_t pos = kHeaderSize;
  while (pos + 4 <= log.size()) {
    uint32_t word;
    std::memcpy(&word, log.data() + pos, 4);
    const size_t rec_size = record_size_of(word), prefix = record_prefix_of(word);
    if (rec_size <= prefix || rec_size > log.size() - pos) break;
    const uint8_t* payload = log.data() + pos + prefix;
    const size_t n = rec_size - prefix;
    const uint32_t sum = record_checksum(payload, n);
    if (prefix == kShortPrefix) {
      word = (word & ~uint32_t{0xffff}) | short_checksum(sum);
      std::memcpy(log.data() + pos, &word, 4);
    } else {
      std::memcpy(log.data() + pos + 4, &sum, 4);
    }
    pos += record_stride(rec_size);
  }
  return log;
}

void write_file(const std::string& path, const uint8_t* data, size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) abort();
  if (size && std::fwrite(data, 1, size, f) != size) abort();
  std::fclose(f);
}

// Splits the input at each log magic: run.json, then the logs.
void lay_out(const uint8_t* data, size_t size, const std::string& dir) {
  const std::string magic = rmacheck::kLogMagic;
  std::vector<size_t> starts;
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  while (starts.size() < kMaxLogs && p < end) {
    const void* hit = memmem(p, static_cast<size_t>(end - p), magic.data(), magic.size());
    if (!hit) break;
    starts.push_back(static_cast<size_t>(static_cast<const uint8_t*>(hit) - data));
    p = static_cast<const uint8_t*>(hit) + magic.size();
  }
  const size_t first = starts.empty() ? size : starts[0];
  if (first > 0) write_file(dir + "/run.json", data, first);
  for (size_t i = 0; i < starts.size(); ++i) {
    const size_t stop = i + 1 < starts.size() ? starts[i + 1] : size;
    const std::vector<uint8_t> log = with_checksums(data + starts[i], stop - starts[i]);
    write_file(dir + "/rank-" + std::to_string(i) + ".log", log.data(), log.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = work_dir();
  clear_dir(dir);
  lay_out(data, size, dir);
  rmacheck::Model model;
  std::string error;
  if (!rmacheck::load_model(dir, model, error)) return 0;
  rmacheck::Analysis analysis = rmacheck::run_detectors(model);
  const nlohmann::json report = rmacheck::build_report(model, analysis);
  size_t total = rmacheck::render_text(report).size() + rmacheck::render_json(report).size() +
                 rmacheck::render_sarif(report).size() +
                 rmacheck::render_html(report, rmacheck::build_html_context(model, report)).size();
  std::ostringstream dumped;
  rmacheck::dump_events(model, dumped);
  total += dumped.str().size();
  (void)total;  // the renderings are made for what they may trip over, not kept
  return 0;
}
