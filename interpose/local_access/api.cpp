// rmacheck_access_api() and rmacheck_access_set_sync_sink(): what the interposer finds with dlsym.
#include "access_api.h"
#include "atomic_sync.h"
#include "thread_state.h"

namespace rmacheck::access {
size_t instrumented_modules(const char** paths, size_t capacity);
}

using namespace rmacheck::access;

namespace {
void api_watch(uint64_t lo, uint64_t hi) { watch_table().watch(lo, hi); }
void api_unwatch(uint64_t lo, uint64_t hi) { watch_table().unwatch(lo, hi); }
const RmacheckAccessApi kApi = {RMACHECK_ACCESS_API_VERSION, set_sink, api_watch, api_unwatch, flush_thread,
                                instrumented_modules};
}  // namespace

extern "C" __attribute__((visibility("default"))) const RmacheckAccessApi* rmacheck_access_api(void) { return &kApi; }

namespace rmacheck::access {

std::atomic<RmacheckSyncSink> g_sync_sink{nullptr};
__thread FenceState t_fence;

void thread_fence(int mo) {
  RmacheckSyncSink sink = g_sync_sink.load(std::memory_order_relaxed);
  if (!sink) return;
  FenceState& f = t_fence;
  if (order_acquires(mo)) {
    for (const void*& object : f.loads)
      if (object) sink(RMACHECK_SYNC_ACQUIRE, object, thread_pending()), object = nullptr;
  }
  if (order_releases(mo)) f.released = true;
}

}  // namespace rmacheck::access

extern "C" __attribute__((visibility("default"))) void rmacheck_access_set_sync_sink(RmacheckSyncSink sink) {
  rmacheck::access::g_sync_sink.store(sink, std::memory_order_release);
}
