// rmacheck_access_api(): what the interposer finds with dlsym.
#include "access_api.h"
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
