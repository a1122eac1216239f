#include "log_writer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "log_format.h"
#include "self_mutex.h"

namespace rmacheck {

namespace {
constexpr size_t kChunk = size_t{8} << 20;  // file growth step; bounds the zero tail of a dead rank
// Address space reserved for one log (halved until the system grants it): 10^9 calls at 40 bytes.
constexpr size_t kMapReserve = size_t{64} << 30;
// memcpy of a record's payload without the library call a variable length makes: words, then the last
// 8 bytes again (overlapping; never past n: the next record may be another thread's).
inline void copy_payload(uint8_t* to, const uint8_t* from, size_t n) {
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) to[i] = from[i];
    return;
  }
  uint64_t w;
  for (size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&w, from + i, 8);
    std::memcpy(to + i, &w, 8);
  }
  std::memcpy(&w, from + n - 8, 8);
  std::memcpy(to + n - 8, &w, 8);
}
}  // namespace

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
  end_hint_.store(kHeaderSize);
  header_end_ = text_size < kHeaderSize ? text_size - 1 : 0;
  return true;
}

// Reserves the file's blocks up to `end` before they are mapped: a store into a
// mapped page the filesystem cannot back raises SIGBUS inside the program's MPI
// call, so a full disk must be found here, by an error code, on growth only.
// posix_fallocate also extends the file to `end`. Called with mu_ held.
bool LogWriter::reserve(size_t have, size_t end) {
  if (end <= have) return true;
  const int rc = ::posix_fallocate(fd_, static_cast<off_t>(have), static_cast<off_t>(end - have));
  if (rc != 0) {
    errno = rc;
    return false;
  }
  return true;
}

// The disk is full (or the mapping was refused): no record is written after
// the end of the records (end_hint_). The header says so, so the analyzer can tell lost events from a rank that
// stopped calling MPI. The header's page is already allocated: rewriting it needs no space.
void LogWriter::mark_logging_stopped(int why) {
  if (stopped_.exchange(true)) return;
  if (header_end_ == 0) return;
  const size_t at = end_hint_.load(std::memory_order_relaxed);
  std::string line = std::string(kLoggingStoppedKey) + "=" + std::to_string(at) + " " + std::strerror(why) + "\n";
  if (header_end_ + line.size() >= kHeaderSize) return;  // the header is full; the reader sees an unfinished rank
  if (::pwrite(fd_, line.data(), line.size(), static_cast<off_t>(header_end_)) != static_cast<ssize_t>(line.size())) {
    /* nothing more to do: the records so far stay readable */
  }
}

void LogWriter::remap(size_t need) {
  if (!map_) {
    // Address space for the whole log, once: the mapping never moves, so a record's exit word can be
    // stored in place. Pages past the end of the file are never touched (they would fault).
    for (size_t len = kMapReserve; len >= kChunk && !map_; len /= 2) {
      void* m = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd_, 0);
      if (m != MAP_FAILED) map_ = static_cast<uint8_t*>(m), map_len_ = len;
    }
    if (!map_) return mark_logging_stopped(errno);
  }
  const size_t have = file_len_.load(std::memory_order_relaxed);
  if (need <= have) return;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t len = ((need + kChunk - 1) / kChunk) * kChunk;
  if (len > map_len_) return mark_logging_stopped(EFBIG);  // the reservation is full: stop logging
  if (!reserve(have, len)) {
    // Not a whole chunk left: go on page by page while the filesystem has room.
    len = ((need + page - 1) / page) * page;
    if (!reserve(have, len)) return mark_logging_stopped(errno);
  }
  // The pages behind the last chunk are written no more (but for a rare exit word): drop them from this
  // process's resident set. They stay in the page cache, a later store faults them back in.
  if (have > kChunk) ::madvise(map_, (have - kChunk) & ~(page - 1), MADV_DONTNEED);
    // Fault the new part in with one call instead of a page fault per 4 KiB page as records reach it
    // (exception entry and exit per page). Linux 5.14+; elsewhere the pages fault in one by one as before.
#ifdef MADV_POPULATE_WRITE
  ::madvise(map_ + have, len - have, MADV_POPULATE_WRITE);
#endif
  file_len_.store(len, std::memory_order_release);
}

LogWriter::~LogWriter() {
  close();
  if (map_) ::munmap(map_, map_len_);
}

uint8_t* LogWriter::append(const uint8_t* payload, size_t n) {
  return append_record(payload, n, payload_checksum(payload, n), /*may_grow=*/true);
}

bool LogWriter::try_append(const uint8_t* payload, size_t n) {
  return append_record(payload, n, payload_checksum(payload, n), /*may_grow=*/false) != nullptr;
}

void LogWriter::store_exit(uint8_t* call_payload, uint32_t word) {
  __atomic_store_n(reinterpret_cast<uint32_t*>(call_payload + kExitWordOffset), word, __ATOMIC_RELEASE);
}

size_t LogWriter::end_of(const uint8_t* payload, size_t n) const {
  return start_of(payload, n) + record_stride(record_prefix_for(n) + n);
}

uint8_t* LogWriter::append_record(const uint8_t* payload, size_t n, uint32_t sum, bool may_grow) {
  const size_t prefix = record_prefix_for(n);
  const size_t total = prefix + n;
  const size_t step = record_stride(total);
  if (fd_ < 0 || stopped_.load(std::memory_order_relaxed) || total > kLongRecordMax) return nullptr;
  const bool is_short = prefix == kShortPrefix;
  const uint32_t mark = pending_size_word(total, is_short);
  size_t at = end_hint_.load(std::memory_order_relaxed);
  uint32_t* word;
  for (;;) {
    // Keep 4 zero bytes after every record: they are the end marker a reader sees if we die now.
    if (at + step + 4 > file_len_.load(std::memory_order_acquire)) {
      if (!may_grow) return nullptr;
      std::lock_guard<SelfMutex> lock(mu_);
      remap(at + step + 4);
      // Disk full or mapping refused: logging stopped (the header says where) rather than crash the program.
      if (at + step + 4 > file_len_.load(std::memory_order_relaxed)) return nullptr;
      continue;
    }
    // The reservation and the pending mark are one store: if we die during the copy, a reader sees a
    // torn record (dropped), never a zero size followed by another thread's record.
    word = reinterpret_cast<uint32_t*>(map_ + at);
    uint32_t seen = 0;
    if (__atomic_compare_exchange_n(word, &seen, mark, false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) break;
    at += record_stride(record_size_of(seen));  // another thread's record: the end is after it
  }
  end_hint_.store(at + step, std::memory_order_relaxed);
  uint8_t* rec = map_ + at;
  if (!is_short) std::memcpy(rec + 4, &sum, 4);
  copy_payload(rec + prefix, payload, n);
  // The size goes last: a reader never sees a size whose payload is not there.
  __atomic_store_n(word, is_short ? short_size_word(total, sum) : static_cast<uint32_t>(total), __ATOMIC_RELEASE);
  return rec + prefix;
}

void LogWriter::close() {
  std::lock_guard<SelfMutex> lock(mu_);
  if (fd_ < 0) return;
  stopped_.store(true);
  // The end of the records: walk from the hint over the records reserved after it.
  size_t end = end_hint_.load();
  const size_t have = file_len_.load();
  while (map_ && end + 4 <= have) {
    const uint32_t w = __atomic_load_n(reinterpret_cast<uint32_t*>(map_ + end), __ATOMIC_ACQUIRE);
    const size_t step = record_stride(record_size_of(w));
    if (!step) break;  // not a record of ours: stop at it
    end += step;
  }
  if (::ftruncate(fd_, static_cast<off_t>(end)) != 0) { /* the zero tail is harmless */
  }
  ::close(fd_);
  fd_ = -1;
}

}  // namespace rmacheck
