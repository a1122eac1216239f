// Appends records to this rank's log file through a shared memory mapping.
//
// Why a mapping: a store into a MAP_SHARED page is in the kernel's page
// cache the moment it is made, so it survives SIGKILL, a crash or
// MPI_Abort without an fsync or a write() per event. The whole log is one
// mapping reserved at the first append (address space only) that never
// moves, so a CALL record's exit word can be stored in place when the call
// returns; the file grows under it in chunks, each reserved (posix_fallocate)
// before any store touches it: on a full disk logging stops and the header
// gets a logging_stopped line instead of SIGBUS in the program. A rank that
// dies leaves zeros after its last record.
//
// Appends take no lock: a record is reserved by a compare-and-swap of its
// pending size into the zero word at the end of the log (log_format.h), so
// threads (MPI_THREAD_MULTIPLE) and a signal handler append side by side.
// Only growing the file takes the mutex.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "log_format.h"
#include "self_mutex.h"

namespace rmacheck {

class LogWriter {
 public:
  LogWriter() = default;
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;
  ~LogWriter();
  // Creates path (0600, no link followed, no foreign file overwritten; an
  // earlier rmacheck log there is replaced) and writes the header text
  // (key=value lines). Returns false with the reason and leaves the writer
  // closed when the file cannot be made.
  bool open(const std::string& path, const std::string& header_lines, std::string& error);
  bool is_open() const { return fd_ >= 0; }
  // Appends one record (payload starts with the record type). Thread safe.
  // Returns the record's payload in the mapping (a CALL record's exit word is
  // stored there later, store_exit), or nullptr if it was not logged: once the
  // file cannot grow (disk full) nothing more is logged, since later records'
  // deltas would refer to the lost one.
  uint8_t* append(const uint8_t* payload, size_t n);
  // The same from a signal handler: lock-free, and gives up (false) rather than grow the file.
  bool try_append(const uint8_t* payload, size_t n);
  // Stores the exit word of the CALL record whose payload append returned.
  static void store_exit(uint8_t* call_payload, uint32_t word);
  // Offsets in the file of the record whose payload (of n bytes) append returned: its start, and its end
  // (where the next record goes).
  size_t start_of(const uint8_t* payload, size_t n) const {
    return static_cast<size_t>(payload - map_) - record_prefix_for(n);
  }
  size_t end_of(const uint8_t* payload, size_t n) const;
  // Whether the last record appended (by any thread) ends at `end` (an end_of): nothing was appended
  // after that record. One load, no atomic read-modify-write; a record being appended at this very
  // moment may not count yet (its order with the caller's next record is open either way).
  bool ends_at(size_t end) const { return end_hint_.load(std::memory_order_relaxed) == end; }
  // Trims the file to the records written; the log stays readable without it.
  // The mapping stays (until the writer is destroyed): a thread still inside a
  // call stores its exit word into a record that is in the file.
  void close();

 private:
  void remap(size_t need);  // called with mu_ held: the file (and the mapping) reach at least need bytes
  bool reserve(size_t have, size_t end);
  void mark_logging_stopped(int why);
  uint8_t* append_record(const uint8_t* payload, size_t n, uint32_t sum, bool may_grow);

  SelfMutex mu_;  // growing and closing
  int fd_ = -1;
  uint8_t* map_ = nullptr;  // mapping of [0, map_len_) of the file, reserved once
  size_t map_len_ = 0;
  std::atomic<size_t> file_len_{0};   // bytes of the file that exist and are allocated: writable through map_
  std::atomic<size_t> end_hint_{0};   // a record boundary at or before the end of the records
  std::atomic<bool> stopped_{false};  // growth failed: no more records
  size_t header_end_ = 0;             // offset of the blank line ending the header text (0: no room to add a line)
};

}  // namespace rmacheck
