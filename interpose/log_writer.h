// Appends records to this rank's log file through a shared memory mapping.
//
// Why a mapping: a store into a MAP_SHARED page is in the kernel's page
// cache the moment it is made, so it survives SIGKILL, a crash or
// MPI_Abort without an fsync or a write() per event. The file grows in
// chunks; a rank that dies leaves zeros after its last record. Each chunk is
// reserved (posix_fallocate) before it is mapped: on a full disk logging stops
// and the header gets a logging_stopped line instead of SIGBUS in the program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace rmacheck {

class LogWriter {
 public:
  // Creates path (0600, no link followed, no foreign file overwritten; an
  // earlier rmacheck log there is replaced) and writes the header text
  // (key=value lines). Returns false with the reason and leaves the writer
  // closed when the file cannot be made.
  bool open(const std::string& path, const std::string& header_lines, std::string& error);
  bool is_open() const { return fd_ >= 0; }
  // Appends one record (payload starts with the record type). Thread safe.
  void append(const uint8_t* payload, size_t n);
  // The same from a signal handler: gives up (false) rather than wait for the
  // lock (the signal may have hit this thread inside append) or grow the file.
  bool try_append(const uint8_t* payload, size_t n);
  // Trims the file to the bytes written; the log stays readable without it.
  void close();

 private:
  void remap(size_t need);  // called with mu_ held
  bool reserve(size_t end);
  void mark_logging_stopped(int why);
  bool append_locked(const uint8_t* payload, size_t n, uint32_t sum, bool may_grow);

  std::mutex mu_;
  int fd_ = -1;
  uint8_t* map_ = nullptr;  // mapping of [map_off_, map_off_ + map_len_)
  size_t map_off_ = 0, map_len_ = 0;
  size_t pos_ = 0;         // file offset of the next record
  size_t file_size_ = 0;   // the file's reserved length (posix_fallocate)
  size_t header_end_ = 0;  // offset of the blank line ending the header text (0: no room to add a line)
  bool stopped_ = false;   // growth failed: no more records
};

}  // namespace rmacheck
