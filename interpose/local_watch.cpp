#include "local_watch.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>

#include "access_api.h"
#include "callsite.h"
#include "guard/guard.h"
#include "record_buffer.h"
#include "runtime.h"
#include "self_mutex.h"

namespace rmacheck {

namespace {

const RmacheckAccessApi* g_api = nullptr;  // set once at Init; null: the program was not instrumented
bool g_guard = false;                      // guarded pages (RMACHECK_GUARD) instead of the instrumented runtime
std::atomic<bool> g_logging{false};

struct PendingBuffer {
  MPI_Win win;
  int64_t target;
  WatchFacts::Span span;
};

SelfMutex g_mu;  // guards everything below (MPI_THREAD_MULTIPLE programs)
std::vector<PendingBuffer> g_pending_rma;
std::map<MPI_Win, std::vector<WatchFacts::Span>> g_window_memory;
struct RequestBuffers {
  std::vector<WatchFacts::Span> spans;
  bool persistent = false, active = false;
};
std::unordered_map<int64_t, RequestBuffers> g_requests;

void watch(const WatchFacts::Span& s) {
  if (g_guard)
    guard::watch(s.lo, s.hi, s.kinds);
  else
    g_api->watch(s.lo, s.hi);
}
void unwatch(const WatchFacts::Span& s) {
  if (g_guard)
    guard::unwatch(s.lo, s.hi, s.kinds);
  else
    g_api->unwatch(s.lo, s.hi);
}

thread_local RecordBuffer t_rec;

// The runtime's records of one interval of the calling thread, as log records.
void sink(const RmacheckLocalRecord* records, size_t n) {
  if (!g_logging.load(std::memory_order_relaxed)) return;
  Runtime& rt = runtime();
  const int64_t thread = thread_id(), now = monotonic_ns();
  for (size_t i = 0; i < n; ++i) {
    const RmacheckLocalRecord& r = records[i];
    t_rec.reset(kRecLocal);
    t_rec.varint(r.kind == RMACHECK_ACCESS_WRITE ? kLocalWrite : kLocalRead);
    t_rec.varint(thread);
    t_rec.varint(next_seq());
    t_rec.varint(now);
    t_rec.field(kF_addr, static_cast<int64_t>(r.lo));
    t_rec.field(kF_size, static_cast<int64_t>(r.hi - r.lo));
    t_rec.field(kF_access_count, r.count);
    // The shadow stack ends in the uninstrumented caller of the outermost instrumented
    // function (the C library's start code for main): not the program's frame.
    uint32_t npcs = r.npcs;
    while (npcs > 1 && pc_in_system_module(static_cast<uintptr_t>(r.pcs[npcs - 1]))) --npcs;
    t_rec.array(kF_pcs, r.pcs, npcs);
    rt.log.append(t_rec.data(), t_rec.size());
  }
}

// Guarded pages: the same records, with the Python line and the widening the fault handler noted.
void guard_sink(const guard::Record* records, size_t n) {
  if (!g_logging.load(std::memory_order_relaxed)) return;
  Runtime& rt = runtime();
  const int64_t thread = thread_id(), now = monotonic_ns();
  for (size_t i = 0; i < n; ++i) {
    const guard::Record& r = records[i];
    t_rec.reset(kRecLocal);
    t_rec.varint(r.kind == RMACHECK_ACCESS_WRITE ? kLocalWrite : kLocalRead);
    t_rec.varint(thread);
    t_rec.varint(next_seq());
    t_rec.varint(now);
    t_rec.field(kF_addr, static_cast<int64_t>(r.lo));
    t_rec.field(kF_size, static_cast<int64_t>(r.hi - r.lo));
    t_rec.field(kF_access_count, r.count);
    if (r.widened) t_rec.field(kF_guard_widened, r.widened);
    if (r.npy) record_python_frames(t_rec, r.py, r.npy, r.py_owned);
    // pcs are return addresses (the reader looks up pc - 1); the faulting instruction's own
    // address goes in as the address after its first byte.
    uint64_t pcs[guard::kRecordFrames];
    for (uint32_t k = 0; k < r.npcs; ++k) pcs[k] = r.pcs[k] + (k == 0 ? 1 : 0);
    t_rec.array(kF_pcs, pcs, r.npcs);
    rt.log.append(t_rec.data(), t_rec.size());
  }
}

void log_guard_text(const std::string& text) {
  RecordBuffer rec;
  rec.reset(kRecGuard);
  rec.varint(static_cast<int64_t>(text.size()));
  rec.raw(text.data(), text.size());
  runtime().log.append(rec.data(), rec.size());
}

void unwatch_pending_if(bool (*covers)(const PendingBuffer&, const WatchFacts&), const WatchFacts& f) {
  size_t keep = 0;
  for (const PendingBuffer& p : g_pending_rma)
    if (covers(p, f))
      unwatch(p.span);
    else
      g_pending_rma[keep++] = p;
  g_pending_rma.resize(keep);
}

bool is_rma_operation(CallId c) {
  switch (c) {
    case kCall_Put:
    case kCall_Get:
    case kCall_Accumulate:
    case kCall_Get_accumulate:
    case kCall_Fetch_and_op:
    case kCall_Compare_and_swap:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool g_local_watch_on = false;
bool g_local_watch_guard = false;

void local_watch_prepare_mpi() { guard::prepare_mpi_settings(); }

// Without single copy, Open MPI 4.1 runs created windows on osc pt2pt, which refuses
// MPI_THREAD_MULTIPLE (mpi4py asks for it by default): MPI may provide less than required.
int local_watch_thread_level(int required) {
  if (!guard::requested() || required != MPI_THREAD_MULTIPLE) return required;
  guard::note_setting("thread_level=MPI_THREAD_SERIALIZED (asked for MPI_THREAD_MULTIPLE; osc pt2pt refuses it)");
  return MPI_THREAD_SERIALIZED;
}
void local_watch_guard_enter() { guard::enter_mpi(); }
void local_watch_guard_leave() { guard::leave_mpi(); }

void local_watch_init() {
  std::string settings;
  if (runtime().flags.guard && guard::install(settings)) {
    // Guarded pages see every program, instrumented or not; the instrumented runtime stays idle.
    g_guard = g_local_watch_guard = g_local_watch_on = true;
    log_guard_text(settings);
    g_logging.store(true);
    return;
  }
  auto find = reinterpret_cast<const RmacheckAccessApi* (*)()>(dlsym(RTLD_DEFAULT, "rmacheck_access_api"));
  const RmacheckAccessApi* api = find ? find() : nullptr;
  if (!api || api->version != RMACHECK_ACCESS_API_VERSION) return;
  g_api = api;
  g_local_watch_on = true;
  // The instrumented modules, so the report can say which code was checked.
  const char* paths[256];
  const size_t n = api->instrumented_modules(paths, 256);
  RecordBuffer rec;
  rec.reset(kRecInstrumented);
  rec.varint(static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) {
    const size_t len = std::strlen(paths[i]);
    rec.varint(static_cast<int64_t>(len));
    rec.raw(paths[i], len);
  }
  runtime().log.append(rec.data(), rec.size());
  g_logging.store(true);
  api->set_sink(sink);
}

void local_watch_flush_now() {
  if (g_guard)
    guard::flush(guard_sink);
  else if (g_api)
    g_api->flush();
}

void local_watch_stop() {
  if (g_guard) {
    guard::flush(guard_sink);
    std::string summary;
    guard::stop(summary);
    log_guard_text(summary);
    g_logging.store(false);
    return;
  }
  if (!g_api) return;
  g_api->flush();
  g_logging.store(false);
  g_api->set_sink(nullptr);
}

void WatchFacts::clear() {
  call = kCallCount;
  win = MPI_WIN_NULL;
  target = -1;
  buffers.clear();
  started.clear();
  done.clear();
  new_req = 0;
  persistent = false;
  addr = 0;
  size = 0;
}

void add_span(WatchFacts& f, const void* addr, int count, MPI_Datatype type, bool mpi_writes) {
  if (!local_watch_active() || count <= 0 || type == MPI_DATATYPE_NULL || addr == MPI_BOTTOM || addr == MPI_IN_PLACE)
    return;
  const auto a = reinterpret_cast<uintptr_t>(addr);
  if (a < 4096) return;
  MPI_Aint lb, extent, true_lb, true_extent;
  if (PMPI_Type_get_extent(type, &lb, &extent) != MPI_SUCCESS ||
      PMPI_Type_get_true_extent(type, &true_lb, &true_extent) != MPI_SUCCESS)
    return;
  const MPI_Aint lo = true_lb + std::min<MPI_Aint>(0, (count - 1) * extent);
  const MPI_Aint hi = true_lb + std::max<MPI_Aint>(0, (count - 1) * extent) + true_extent;
  const uint8_t kinds = mpi_writes ? guard::kGuardReads | guard::kGuardWrites : guard::kGuardWrites;
  if (hi > lo) f.buffers.push_back({a + static_cast<uintptr_t>(lo), a + static_cast<uintptr_t>(hi), kinds});
}

std::vector<int64_t> local_watch_window(MPI_Win w, const void* base, MPI_Aint size, int flavor, int members) {
  std::vector<int64_t> mapped;
  if (!local_watch_active()) return mapped;
  constexpr uint8_t kAll = guard::kGuardReads | guard::kGuardWrites;  // a remote Get or Put: any access may conflict
  std::vector<WatchFacts::Span> spans;
  if (flavor == kWinShared) {
    // Every member's segment as mapped here: a direct load or store into a
    // neighbour's segment is an access of that rank's memory.
    for (int r = 0; r < members; ++r) {
      MPI_Aint sz = 0;
      int unit = 0;
      void* b = nullptr;
      if (PMPI_Win_shared_query(w, r, &sz, &unit, &b) != MPI_SUCCESS) b = nullptr, sz = 0;
      mapped.push_back(static_cast<int64_t>(reinterpret_cast<uintptr_t>(b)));
      if (b && sz > 0)
        spans.push_back({reinterpret_cast<uintptr_t>(b), reinterpret_cast<uintptr_t>(b) + size_t(sz), kAll});
    }
  } else if (base && size > 0) {
    spans.push_back(
        {reinterpret_cast<uintptr_t>(base), reinterpret_cast<uintptr_t>(base) + static_cast<size_t>(size), kAll});
  }
  std::lock_guard<SelfMutex> lock(g_mu);
  for (const auto& s : spans) watch(s);
  auto& mine = g_window_memory[w];
  mine.insert(mine.end(), spans.begin(), spans.end());
  return mapped;
}

void local_watch_after_call(const WatchFacts& f) {
  if (!local_watch_active()) return;
  std::lock_guard<SelfMutex> lock(g_mu);
  // Requests that completed (or were freed): their buffers are the program's again.
  for (int64_t id : f.done) {
    auto it = g_requests.find(id);
    if (it == g_requests.end()) continue;
    if (it->second.active)
      for (const auto& s : it->second.spans) unwatch(s);
    it->second.active = false;
    if (!it->second.persistent || f.call == kCall_Request_free) g_requests.erase(it);
  }
  for (int64_t id : f.started) {
    auto it = g_requests.find(id);
    if (it == g_requests.end() || it->second.active) continue;
    for (const auto& s : it->second.spans) watch(s);
    it->second.active = true;
  }
  if (f.new_req && !f.buffers.empty() && !is_rma_operation(f.call)) {
    RequestBuffers& rb = g_requests[f.new_req];
    rb.spans = f.buffers;
    rb.persistent = f.persistent;
    rb.active = !f.persistent;  // a persistent request is inactive until started
    if (rb.active)
      for (const auto& s : rb.spans) watch(s);
    return;
  }
  if (is_rma_operation(f.call)) {
    for (const auto& s : f.buffers) {
      watch(s);
      g_pending_rma.push_back({f.win, f.target, s});
    }
    return;
  }
  switch (f.call) {
    case kCall_Win_fence:
    case kCall_Win_complete:
    case kCall_Win_unlock_all:
    case kCall_Win_flush_all:
    case kCall_Win_flush_local_all:
      unwatch_pending_if([](const PendingBuffer& p, const WatchFacts& x) { return p.win == x.win; }, f);
      break;
    case kCall_Win_unlock:
    case kCall_Win_flush:
    case kCall_Win_flush_local:
      unwatch_pending_if(
          [](const PendingBuffer& p, const WatchFacts& x) { return p.win == x.win && p.target == x.target; }, f);
      break;
    case kCall_Win_attach:
      if (f.addr && f.size > 0) {
        const WatchFacts::Span s{f.addr, f.addr + static_cast<uintptr_t>(f.size),
                                 guard::kGuardReads | guard::kGuardWrites};
        watch(s);
        g_window_memory[f.win].push_back(s);
      }
      break;
    case kCall_Win_detach: {
      auto& mine = g_window_memory[f.win];
      for (size_t i = 0; i < mine.size(); ++i)
        if (mine[i].lo == f.addr) {
          unwatch(mine[i]);
          mine.erase(mine.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      break;
    }
    case kCall_Win_free: {
      unwatch_pending_if([](const PendingBuffer& p, const WatchFacts& x) { return p.win == x.win; }, f);
      auto it = g_window_memory.find(f.win);
      if (it != g_window_memory.end()) {
        for (const auto& s : it->second) unwatch(s);
        g_window_memory.erase(it);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace rmacheck
