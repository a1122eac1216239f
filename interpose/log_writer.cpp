#include "log_writer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "log_format.h"

namespace rmacheck {

namespace {
constexpr size_t kChunk = size_t{8} << 20;  // file growth step; bounds the zero tail of a dead rank
}

namespace {

// A log an earlier run left at path: a regular file (not a link) starting with the log magic.
bool is_old_log(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  char head[sizeof kLogMagic - 1];
  const bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                  ::pread(fd, head, sizeof head, 0) == static_cast<ssize_t>(sizeof head) &&
                  std::memcmp(head, kLogMagic, sizeof head) == 0;
  ::close(fd);
  return ok;
}

// Creates path as a new file (mode 0600): never through a symbolic link, never
// over a file rmacheck did not write. An earlier run's log is replaced.
int create_log_file(const std::string& path, std::string& error) {
  const int flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0 && errno == EEXIST) {
    if (!is_old_log(path)) {
      struct stat st;
      error = lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)
                  ? "it is a symbolic link (not followed)"
                  : "a file that is not an rmacheck log is in the way (not overwritten)";
      return -1;
    }
    if (::unlink(path.c_str()) == 0) fd = ::open(path.c_str(), flags, 0600);
  }
  if (fd < 0 && error.empty()) error = std::strerror(errno);
  return fd;
}

}  // namespace

bool LogWriter::open(const std::string& path, const std::string& header_lines, std::string& error) {
  fd_ = create_log_file(path, error);
  if (fd_ < 0) return false;
  std::string header = std::string(kLogMagic) + " " + std::to_string(kLogFormatVersion) + "\n" + header_lines + "\n";
  if (header.size() > kHeaderSize) header.resize(kHeaderSize - 1), header += "\n";
  const size_t text_size = header.size();  // its last byte is the blank line that ends the header
  header.resize(kHeaderSize, '\n');
  if (::pwrite(fd_, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
    error = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  pos_ = file_size_ = kHeaderSize;
  header_end_ = text_size < kHeaderSize ? text_size - 1 : 0;
  stopped_ = false;
  return true;
}

// Reserves the file's blocks up to `end` before they are mapped: a store into a
// mapped page the filesystem cannot back raises SIGBUS inside the program's MPI
// call, so a full disk must be found here, by an error code, on growth only.
bool LogWriter::reserve(size_t end) {
  if (end <= file_size_) return true;
  const int rc = ::posix_fallocate(fd_, static_cast<off_t>(file_size_), static_cast<off_t>(end - file_size_));
  if (rc != 0) {
    errno = rc;
    return false;
  }
  file_size_ = end;
  return true;
}

// The disk is full (or the mapping was refused): no record is written after
// pos_. The header says so, so the analyzer can tell lost events from a rank that
// stopped calling MPI. The header's page is already allocated: rewriting it needs no space.
void LogWriter::mark_logging_stopped(int why) {
  stopped_ = true;
  if (header_end_ == 0) return;
  std::string line = std::string(kLoggingStoppedKey) + "=" + std::to_string(pos_) + " " + std::strerror(why) + "\n";
  if (header_end_ + line.size() >= kHeaderSize) return;  // the header is full; the reader sees an unfinished rank
  if (::pwrite(fd_, line.data(), line.size(), static_cast<off_t>(header_end_)) != static_cast<ssize_t>(line.size())) {
    /* nothing more to do: the records so far stay readable */
  }
}

void LogWriter::remap(size_t need) {
  if (map_) ::munmap(map_, map_len_);
  map_ = nullptr;
  size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  map_off_ = pos_ & ~(page - 1);
  map_len_ = ((pos_ - map_off_ + need + kChunk - 1) / kChunk) * kChunk;
  if (!reserve(map_off_ + map_len_)) {
    // Not a whole chunk left: go on page by page while the filesystem has room.
    map_len_ = ((pos_ - map_off_ + need + page - 1) / page) * page;
    if (!reserve(map_off_ + map_len_)) return mark_logging_stopped(errno);
  }
  void* m = ::mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, static_cast<off_t>(map_off_));
  if (m == MAP_FAILED) return mark_logging_stopped(errno);
  map_ = static_cast<uint8_t*>(m);
}

void LogWriter::append(const uint8_t* payload, size_t n) {
  const uint32_t sum = payload_checksum(payload, n);  // outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  append_locked(payload, n, sum, /*may_grow=*/true);
}

bool LogWriter::try_append(const uint8_t* payload, size_t n) {
  const uint32_t sum = payload_checksum(payload, n);
  if (!mu_.try_lock()) return false;
  const bool ok = append_locked(payload, n, sum, /*may_grow=*/false);
  mu_.unlock();
  return ok;
}

bool LogWriter::append_locked(const uint8_t* payload, size_t n, uint32_t sum, bool may_grow) {
  const size_t total = kRecordPrefix + n;
  const size_t step = record_stride(total);
  if (fd_ < 0 || stopped_) return false;
  // Keep 4 zero bytes after every record: they are the end marker a reader sees if we die now.
  if (!map_ || pos_ + step + 4 > map_off_ + map_len_) {
    if (!may_grow) return false;
    remap(step + 4);
  }
  if (!map_) return false;  // disk full or mapping refused: logging stopped rather than crash the program
  uint8_t* rec = map_ + (pos_ - map_off_);
  // Pending mark first: if we die during the copy, a reader sees a torn record
  // (dropped silently), not a zero size followed by stray bytes (which is corruption).
  __atomic_store_n(reinterpret_cast<uint32_t*>(rec), static_cast<uint32_t>(total) | kRecordPending, __ATOMIC_RELAXED);
  __atomic_signal_fence(__ATOMIC_SEQ_CST);  // keep the copy after the mark (SIGKILL only needs program order)
  std::memcpy(rec + 4, &sum, 4);
  std::memcpy(rec + kRecordPrefix, payload, n);
  // The size goes last: a reader never sees a size whose payload is not there.
  __atomic_store_n(reinterpret_cast<uint32_t*>(rec), static_cast<uint32_t>(total), __ATOMIC_RELEASE);
  pos_ += step;
  return true;
}

void LogWriter::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0) return;
  if (map_) ::munmap(map_, map_len_);
  map_ = nullptr;
  if (::ftruncate(fd_, static_cast<off_t>(pos_)) != 0) { /* the zero tail is harmless */
  }
  ::close(fd_);
  fd_ = -1;
}

}  // namespace rmacheck
