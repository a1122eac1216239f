#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace rmacheck {

Progress::Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {
  if (enabled_) thread_ = std::thread([this] { loop(); });
}

void Progress::stop() {
  if (!enabled_) return;
  enabled_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void Progress::phase(const std::string& what) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  phase_ = what;
}

void Progress::loop() {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  // Nothing for the first second: most analyses are over by then.
  if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) return;
  for (;;) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const uint64_t n = events_.load(std::memory_order_relaxed);
    std::fprintf(stderr, "\r\033[Krmacheck: %s", phase_.c_str());
    if (n) std::fprintf(stderr, ", %llu events", static_cast<unsigned long long>(n));
    std::fprintf(stderr, ", %.1f s", s);
    std::fflush(stderr);
    drawn_ = true;
    if (cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) return;
  }
}

}  // namespace rmacheck
