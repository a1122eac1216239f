#include "cli/log_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "log_format.h"

namespace rmacheck {

namespace {

bool is_log_name(const std::string& n) {
  return n.rfind("rank-", 0) == 0 && n.size() > 9 && n.compare(n.size() - 4, 4, ".log") == 0;
}

// Reads at most max bytes of a regular file, without following a link and without blocking on a FIFO.
bool read_head(const std::string& path, size_t max, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return false;
  }
  out.resize(max);
  ssize_t n = ::read(fd, out.data(), max);
  ::close(fd);
  if (n < 0) return false;
  out.resize(static_cast<size_t>(n));
  return true;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* ent = readdir(d)) {
      std::string n = ent->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
  }
  return names;
}

bool make_dirs(const std::string& dir, std::string& error) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    const std::string part = dir.substr(0, i);
    // Parents as a user would make them; the log directory itself private (logs hold
    // command lines, host names and addresses).
    if (::mkdir(part.c_str(), i == dir.size() ? 0700 : 0755) != 0 && errno != EEXIST) {
      error = part + ": cannot create directory: " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

}  // namespace

std::string new_run_id() {
  unsigned char bytes[8] = {0};
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    const uint64_t mix = static_cast<uint64_t>(getpid()) * 0x9e3779b97f4a7c15ull ^ static_cast<uint64_t>(time(nullptr));
    std::memcpy(bytes, &mix, sizeof bytes);
  }
  static const char hex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) id += hex[b >> 4], id += hex[b & 15];
  return id;
}

bool is_rmacheck_file(const std::string& dir, const std::string& name) {
  std::string head;
  if (is_log_name(name)) return read_head(dir + "/" + name, sizeof kLogMagic - 1, head) && head == kLogMagic;
  if (name == "run.json") {
    if (!read_head(dir + "/" + name, 1 << 20, head)) return false;
    nlohmann::json j = nlohmann::json::parse(head, nullptr, /*allow_exceptions=*/false);
    // Older rmacheck versions wrote no "tool" key; they always wrote these two.
    return j.is_object() && (j.value("tool", "") == "rmacheck" || (j.contains("command") && j.contains("exit_status")));
  }
  return false;
}

bool prepare_out_dir(const std::string& dir, std::string& error) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      error = dir + ": " + std::strerror(errno);
      return false;
    }
    return make_dirs(dir, error);
  }
  if (!S_ISDIR(st.st_mode)) {
    error = "--out " + dir + " exists and is not a directory";
    return false;
  }
  std::vector<std::string> ours, others;
  for (const std::string& n : entries(dir)) (is_rmacheck_file(dir, n) ? ours : others).push_back(n);
  if (!others.empty()) {
    std::string list;
    for (size_t i = 0; i < others.size() && i < 3; ++i) list += (i ? ", " : "") + others[i];
    if (others.size() > 3) list += ", ...";
    error = "--out " + dir + " is not empty and holds files rmacheck did not write (" + list +
            "); give an empty or new directory";
    return false;
  }
  for (const std::string& n : ours) {
    if (::unlink((dir + "/" + n).c_str()) != 0) {
      error = dir + "/" + n + ": cannot remove the log of an earlier run: " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

bool make_private_log_dir(std::string& dir, std::string& error) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp ? tmp : "/tmp";
  std::string templ = base + "/rmacheck-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {  // mode 0700
    error = "cannot create a log directory in " + base + ": " + std::strerror(errno) + " (give one with --out DIR)";
    return false;
  }
  dir = buf.data();
  return true;
}

void remove_log_dir(const std::string& dir) {
  for (const std::string& n : entries(dir))
    if (is_rmacheck_file(dir, n)) ::unlink((dir + "/" + n).c_str());
  ::rmdir(dir.c_str());  // fails, harmlessly, when something else is in it
}

}  // namespace rmacheck
