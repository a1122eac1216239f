#include "cli/launcher_messages.h"

#include <regex>

namespace rmacheck {

namespace {

std::string collapse(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The first paragraph of a boxed message; when it ends with ':' (it
// introduces something, e.g. the program name) the next paragraph too.
std::string first_paragraphs(const std::string& block) {
  std::string text = block;
  while (!text.empty() && text.front() == '\n') text.erase(0, 1);
  size_t end = text.find("\n\n");
  std::string first = collapse(text.substr(0, end));
  if (!first.empty() && first.back() == ':' && end != std::string::npos) {
    size_t start = text.find_first_not_of('\n', end);
    if (start != std::string::npos) first += " " + collapse(text.substr(start, text.find("\n\n", start) - start));
  }
  return first;
}

// Digits matched by a regex; clamped so that a garbled line cannot throw.
int small_int(const std::string& digits) {
  long v = 0;
  for (char c : digits) {
    v = v * 10 + (c - '0');
    if (v > 1000000000) return 1000000000;
  }
  return static_cast<int>(v);
}

bool is_dash_rule(const std::string& l) { return l.size() >= 40 && l.find_first_not_of('-') == std::string::npos; }

}  // namespace

void LauncherOutputScanner::feed(const char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (data[i] == '\n') {
      line(partial_);
      partial_.clear();
    } else if (partial_.size() < 4096) {  // a line that long is not one of Open MPI's
      partial_ += data[i];
    }
  }
}

void LauncherOutputScanner::finish() {
  if (!partial_.empty()) line(partial_);
  partial_.clear();
  for (auto& [prefix, a] : open_aborts_) out_.library_aborts.push_back(a);
  open_aborts_.clear();
}

void LauncherOutputScanner::line(const std::string& text) {
  static const std::regex error_in(R"(^(.*?)\*\*\* An error occurred in (\w+))");
  static const std::regex reported_by(R"(^(.*?)\*\*\* reported by process \[\d+,(\d+)\])");
  static const std::regex error_class(R"(^(.*?)\*\*\* (MPI_[A-Z_0-9]+): (.*)$)");
  static const std::regex signal_exit(
      R"(noticed that process rank (\d+) with PID \d+ on node \S+ exited on signal (\d+)(?: \(([^)]*)\))?)");
  static const std::regex process_name(R"(Process name: \[\[\d+,\d+\],(\d+)\])");
  static const std::regex exit_code(R"(Exit code:\s+(\d+))");
  static const std::regex no_module(R"(No module named '?(\w+)'?)");
  // MPICH: "Abort(68336434) on node 1 (rank 1 in comm 0): Fatal error in internal_Win_free: Wrong
  // synchronization of RMA calls , error stack:" (node: the world rank). MPICH's abort leaves no EXIT
  // record in the log (it does not end the rank through _exit), so this line is all there is.
  static const std::regex mpich_abort(
      R"(Abort\(\d+\) on node (\d+) \(rank \d+ in comm \d+\): Fatal error in (?:internal_|PMPI_|MPI_)?(\w+): (.*?)\s*(?:, error stack:)?$)");
  std::smatch m;

  // Not anchored: Hydra passes each rank's stderr on in the chunks it reads, so another rank's
  // text may precede it on the line.
  if (text.find("Abort(") != std::string::npos && std::regex_search(text, m, mpich_abort)) {
    LibraryAbort a;
    a.rank = small_int(m[1]);
    a.call = "MPI_" + m[2].str();
    a.error_string = m[3];
    out_.library_aborts.push_back(a);
    return;
  }

  if (is_dash_rule(text)) {
    if (in_block_) {
      std::string para = first_paragraphs(block_);
      if (!para.empty()) out_.help_blocks.push_back(para);
      if (block_.find("could not access") != std::string::npos ||
          block_.find("unable to find the specified executable") != std::string::npos)
        out_.not_executable = true;
      block_.clear();
    }
    in_block_ = !in_block_;
    return;
  }
  if (in_block_) block_ += text + "\n";

  if (text.find("***") != std::string::npos) {
    if (std::regex_search(text, m, error_in)) {
      LibraryAbort& a = open_aborts_[m[1]];
      if (!a.call.empty()) out_.library_aborts.push_back(a);  // a second error from the same process
      a = LibraryAbort{};
      a.call = m[2];
      return;
    }
    if (std::regex_search(text, m, reported_by)) {
      auto it = open_aborts_.find(m[1]);
      if (it != open_aborts_.end()) it->second.rank = small_int(m[2]);
      return;
    }
    if (std::regex_search(text, m, error_class)) {
      auto it = open_aborts_.find(m[1]);
      if (it != open_aborts_.end() && it->second.error_class.empty()) {
        it->second.error_class = m[2];
        it->second.error_string = m[3];
        out_.library_aborts.push_back(it->second);
        open_aborts_.erase(it);
      }
      return;
    }
  }
  if (std::regex_search(text, m, signal_exit)) {
    RankExit e;
    e.rank = small_int(m[1]);
    e.signal = small_int(m[2]);
    e.signal_name = m[3];
    out_.rank_exits.push_back(e);
    return;
  }
  if (std::regex_search(text, m, process_name)) {
    pending_exit_rank_ = small_int(m[1]);
    return;
  }
  if (pending_exit_rank_ >= 0 && std::regex_search(text, m, exit_code)) {
    RankExit e;
    e.rank = pending_exit_rank_;
    e.exit_code = small_int(m[1]);
    out_.rank_exits.push_back(e);
    pending_exit_rank_ = -1;
    return;
  }
  if (out_.missing_module.empty() && std::regex_search(text, m, no_module)) out_.missing_module = text;
}

}  // namespace rmacheck
