// A one-line progress display on stderr while a long analysis runs (phase,
// events, elapsed time), redrawn in place. Only when stderr is a terminal,
// and not with --quiet; a short analysis never shows it (first draw after 1 s).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace rmacheck {

class Progress {
 public:
  explicit Progress(bool enabled);
  ~Progress() { stop(); }
  void stop();  // ends the display and erases its line
  void phase(const std::string& what);
  void events(uint64_t n) { events_.store(n, std::memory_order_relaxed); }

 private:
  void loop();
  bool enabled_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool drawn_ = false;
  std::string phase_;
  std::atomic<uint64_t> events_{0};
  std::thread thread_;
};

}  // namespace rmacheck
