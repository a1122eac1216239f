#include "handles.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "datatype_flatten.h"
#include "log_format.h"
#include "record_buffer.h"
#include "runtime.h"
#include "self_mutex.h"

namespace rmacheck {

// Counts the changes of every registry that turns a handle argument into what is logged for it
// (arguments_epoch()).
std::atomic<uint64_t> g_arguments_epoch{0};

namespace {

// A handle -> value map shared by all threads (MPI_THREAD_MULTIPLE).
template <class Handle, class Value>
class Registry {
 public:
  // names_arguments: what a call argument is logged as depends on this registry (not so for requests and
  // messages, which change with every nonblocking call and are looked up through pointers).
  explicit Registry(bool names_arguments = true) : names_arguments_(names_arguments) {}
  // One thread's copy of its last hit: valid while the registry's version is the one it was taken at.
  struct Cache {
    Handle handle{};
    Value value{};
    uint64_t version = ~uint64_t{0};
  };
  bool find(Handle h, Value& out) {
    std::lock_guard<SelfMutex> lock(mu_);
    auto it = map_.find(h);
    if (it == map_.end()) return false;
    out = it->second;
    return true;
  }
  // find() without the lock when this thread's last hit was the same handle and nothing changed since
  // (the hot calls name the same window, communicator and datatypes again and again).
  bool find(Handle h, Value& out, Cache& c) {
    const uint64_t v = version_.load(std::memory_order_acquire);
    if (c.version == v && c.handle == h) {
      out = c.value;
      return true;
    }
    if (!find(h, out)) return false;
    c.handle = h, c.value = out, c.version = v;  // v read before the lookup: a change in between refetches
    return true;
  }
  // The same into the cache itself, copying nothing on a hit: the value stays valid until this thread's
  // next lookup through c. Null if h is not in the registry.
  const Value* find_cached(Handle h, Cache& c) {
    const uint64_t v = version_.load(std::memory_order_acquire);
    if (c.version == v && c.handle == h) return &c.value;
    c.version = ~uint64_t{0};
    if (!find(h, c.value)) return nullptr;
    c.handle = h, c.version = v;
    return &c.value;
  }
  void put(Handle h, Value v) {
    std::lock_guard<SelfMutex> lock(mu_);
    map_[h] = std::move(v);
    changed();
  }
  bool erase(Handle h) {
    std::lock_guard<SelfMutex> lock(mu_);
    changed();
    return map_.erase(h) > 0;
  }
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // f(map) under the lock, for reading: the version stays (locked() counts a change).
  template <class F>
  auto locked_read(F&& f) {
    std::lock_guard<SelfMutex> lock(mu_);
    return f(map_);
  }
  template <class F>
  auto locked(F&& f) {
    std::lock_guard<SelfMutex> lock(mu_);
    changed();
    return f(map_);
  }

 private:
  void changed() {
    version_.fetch_add(1, std::memory_order_release);
    if (names_arguments_) g_arguments_epoch.fetch_add(1, std::memory_order_release);
  }
  const bool names_arguments_;
  SelfMutex mu_;
  std::unordered_map<Handle, Value> map_;
  std::atomic<uint64_t> version_{0};
};

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

MPI_Group world_group() {
  static MPI_Group g = [] {
    MPI_Group wg;
    PMPI_Comm_group(MPI_COMM_WORLD, &wg);
    return wg;
  }();
  return g;
}

Registry<MPI_Comm, CommRef> g_comms;
Registry<uint64_t, int64_t> g_comm_ordinals;  // member-list hash -> communicators made with it so far
Registry<MPI_Win, WinRef> g_wins;
// MPI may hand out one handle for several live requests (Open MPI returns its
// one shared, already complete request for every operation on
// MPI_PROC_NULL), so a handle maps to the requests made with it, oldest
// first, and each use takes the oldest one not already taken by that call.
// The first is stored inline: the common unshared handle costs no allocation.
struct RequestSlot {
  RequestInfo first;
  std::vector<RequestInfo> more;  // younger requests with the same handle
  size_t count() const { return 1 + more.size(); }
  const RequestInfo& nth(size_t n) const { return n == 0 || more.empty() ? first : more[std::min(n, more.size()) - 1]; }
};
Registry<MPI_Request, RequestSlot> g_requests{/*names_arguments=*/false};
Registry<MPI_Datatype, int64_t> g_types;
thread_local Registry<MPI_Comm, CommRef>::Cache t_comm_cache;
thread_local Registry<MPI_Win, WinRef>::Cache t_win_cache;
thread_local Registry<MPI_Datatype, int64_t>::Cache t_type_cache[2];  // origin and target types differ often
// The Recorder's (comm_info_for_call, win_info_for_call): apart from the caches above, so that a lookup of
// rmacheck's own (register_window's communicator) never replaces the info a call holds a pointer to.
thread_local Registry<MPI_Comm, CommRef>::Cache t_call_comm_cache;
thread_local Registry<MPI_Win, WinRef>::Cache t_call_win_cache;
thread_local CommRef t_call_comm_held;  // a freed or just registered communicator (not from the cache)
thread_local WinRef t_call_win_held;
Registry<MPI_Op, int64_t> g_ops;
// Comm_group, Win_get_group, ... may return a handle the program already
// holds (a new reference to the same group): every reference is freed
// separately, so a handle maps to the ids of its live references.
Registry<MPI_Group, std::vector<int64_t>> g_groups;
Registry<MPI_Message, CommRef> g_messages{/*names_arguments=*/false};
// Handles the program freed, with what they stood for, until a wrapped call
// returns the same value again (every call that makes windows and ops is
// wrapped, and every datatype, group and communicator constructor programs
// commonly use; not MPI_Comm_idup, the graph topologies, spawn/connect): a call naming one is logged with the object's
// old id (the analyzer finds where it was freed) and the handle is never passed to a PMPI call of ours (Open MPI would
// abort there, in a call the program never made, before the program's own call is in the log).
Registry<MPI_Datatype, int64_t> g_freed_types;
Registry<MPI_Comm, CommRef> g_freed_comms;
Registry<MPI_Win, WinRef> g_freed_wins;
Registry<MPI_Op, int64_t> g_freed_ops;
Registry<MPI_Group, int64_t> g_freed_groups;
std::atomic<int64_t> g_next_request{1}, g_next_type{kDerivedTypeBase}, g_next_op{kUserOpBase}, g_next_group{1},
    g_windows_made{0};

void emit_typedef(int64_t id, MPI_Datatype t) {
  FlatType ft = flatten_datatype(t);
  // The analyzer takes element sizes (accumulate atomicity) from the
  // predefined types' own layouts: log each one a derived type is made of,
  // even if the program never names it in a call.
  const int32_t own = basic_type_code(t);
  for (const auto& b : ft.blocks)
    if (b.basic >= 0 && b.basic != own) datatype_id(basic_type_handle(b.basic));
  RecordBuffer rec;
  rec.reset(kRecTypedef);
  rec.varint(id);
  rec.varint(own);
  rec.varint(ft.size);
  rec.varint(ft.lb);
  rec.varint(ft.extent);
  rec.varint(ft.true_lb);
  rec.varint(ft.true_extent);
  rec.varint(ft.truncated ? 1 : 0);
  rec.varint(static_cast<int64_t>(ft.blocks.size()));
  for (const auto& b : ft.blocks) {
    rec.varint(b.offset);
    rec.varint(b.length);
    rec.varint(b.basic);
  }
  runtime().log.append(rec.data(), rec.size());
}

}  // namespace

std::vector<int> group_world_ranks(MPI_Group g) {
  int n = 0;
  if (g == MPI_GROUP_NULL || PMPI_Group_size(g, &n) != MPI_SUCCESS || n <= 0) return {};
  std::vector<int> local(static_cast<size_t>(n)), world(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) local[static_cast<size_t>(i)] = i;
  PMPI_Group_translate_ranks(g, n, local.data(), world_group(), world.data());
  return world;
}

int64_t CommInfo::world_rank_of(int rank) const {
  if (rank == MPI_ANY_SOURCE) return kRankAny;
  if (rank == MPI_PROC_NULL) return kRankProcNull;
  if (rank < 0 || static_cast<size_t>(rank) >= remote.size()) return encode_invalid_rank(rank);
  return remote[static_cast<size_t>(rank)];
}

CommRef register_comm(MPI_Comm c, bool created) {
  auto info = std::make_shared<CommInfo>();
  MPI_Group g;
  PMPI_Comm_group(c, &g);
  info->members = group_world_ranks(g);
  PMPI_Group_free(&g);
  int inter = 0;
  PMPI_Comm_test_inter(c, &inter);
  info->intercomm = inter != 0;
  if (inter) {
    PMPI_Comm_remote_group(c, &g);
    info->remote = group_world_ranks(g);
    PMPI_Group_free(&g);
  } else {
    info->remote = info->members;
  }
  uint64_t h = inter ? 0x1717 : 0;
  for (int m : info->members) h = mix(h, static_cast<uint64_t>(m));
  for (int m : info->remote) h = mix(h, static_cast<uint64_t>(m) + 0x100000000ull);
  // Only communicators made by wrapped creation calls are counted: those calls are
  // collective, so every member counts them in the same order. A handle first seen
  // in some other call (made by an unwrapped call) gets ordinal -1.
  int64_t ordinal = created ? g_comm_ordinals.locked([&](auto& map) { return map[h]++; }) : -1;
  // World is id 1 on every rank; others keep 62 bits of the mixed hash, never 0 or 1.
  info->id = (c == MPI_COMM_WORLD) ? 1 : static_cast<int64_t>((mix(h, static_cast<uint64_t>(ordinal)) >> 2) | 2);
  CommRef ref = info;
  g_freed_comms.erase(c);
  g_comms.put(c, ref);
  return ref;
}

CommRef comm_info(MPI_Comm c) {
  CommRef ref;
  if (g_comms.find(c, ref, t_comm_cache)) return ref;
  if (c == MPI_COMM_NULL) return nullptr;
  if (g_freed_comms.find(c, ref)) return ref;  // freed: its old id, and no PMPI call on the handle
  return register_comm(c, /*created=*/false);
}

const CommInfo* comm_info_for_call(MPI_Comm c) {
  if (const CommRef* cached = g_comms.find_cached(c, t_call_comm_cache)) return cached->get();
  t_call_comm_held = comm_info(c);  // freed, unknown (registered now) or null
  return t_call_comm_held.get();
}

void forget_comm(MPI_Comm c) {
  CommRef ref;
  if (g_comms.find(c, ref)) g_freed_comms.put(c, ref);
  g_comms.erase(c);
}

WinRef win_info(MPI_Win w) {
  WinRef ref;
  if (!g_wins.find(w, ref, t_win_cache)) g_freed_wins.find(w, ref);
  return ref;
}

const WinInfo* win_info_for_call(MPI_Win w) {
  if (const WinRef* cached = g_wins.find_cached(w, t_call_win_cache)) return cached->get();
  t_call_win_held = win_info(w);
  return t_call_win_held.get();
}

WinRef register_window(MPI_Win w, MPI_Comm comm, const void* base, MPI_Aint size, int disp_unit, WinGeometry& out) {
  CommRef ci = comm_info(comm);
  const int64_t made = g_windows_made.fetch_add(1);
  int64_t mine[4] = {static_cast<int64_t>(reinterpret_cast<uintptr_t>(base)), static_cast<int64_t>(size), disp_unit,
                     (int64_t{runtime().world_rank} << 32) | (made + 1)};  // never 0: 0 means "unknown window"
  int n = 0;
  PMPI_Comm_size(comm, &n);
  std::vector<int64_t> all(static_cast<size_t>(n) * 4);
  {
    BlockingPmpi in_mpi;
    PMPI_Allgather(mine, 4, MPI_INT64_T, all.data(), 4, MPI_INT64_T, comm);
  }
  auto info = std::make_shared<WinInfo>();
  info->id = all[3];  // the first member's proposal: every member picks the same one
  info->members = ci ? ci->members : std::vector<int>{};
  out.bases.resize(static_cast<size_t>(n));
  out.sizes.resize(static_cast<size_t>(n));
  out.units.resize(static_cast<size_t>(n));
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    out.bases[i] = all[i * 4];
    out.sizes[i] = all[i * 4 + 1];
    out.units[i] = all[i * 4 + 2];
  }
  WinRef ref = info;
  g_freed_wins.erase(w);
  g_wins.put(w, ref);
  return ref;
}

void forget_window(MPI_Win w) {
  WinRef ref;
  if (g_wins.find(w, ref)) g_freed_wins.put(w, ref);
  g_wins.erase(w);
}

// Handles that stand for more than one live request, oldest first (see handles.h).
SelfMutex g_shared_mu;
std::unordered_map<MPI_Request, std::vector<RequestInfo>> g_shared_requests;

int64_t register_request(MPI_Request r, bool persistent, CommRef comm) {
  RequestInfo info;
  info.id = g_next_request.fetch_add(1);
  info.persistent = persistent;
  info.comm = std::move(comm);
  const int64_t id = info.id;
  g_requests.locked([&](auto& map) {
    auto [it, fresh] = map.try_emplace(r);
    if (fresh)
      it->second.first = std::move(info);
    else
      it->second.more.push_back(std::move(info));
  });
  return id;
}

namespace {
struct RequestCacheEntry {
  MPI_Request handle;
  RequestView view;
  uint64_t version;
};
// Direct-mapped by handle; entries of another registry version are stale (a request made or forgotten
// since, by any thread). Trivially destructible: no TLS init call per access.
constexpr size_t kRequestCacheSize = 8;
thread_local RequestCacheEntry t_request_cache[kRequestCacheSize] = {};
size_t request_cache_slot(MPI_Request r) {
  const size_t bits = std::hash<MPI_Request>{}(r);
  return (bits ^ (bits >> 4) ^ (bits >> 7)) % kRequestCacheSize;
}
}  // namespace

size_t request_view(MPI_Request r, RequestView& out, size_t nth) {
  if (r == MPI_REQUEST_NULL) return 0;
  RequestCacheEntry& c = t_request_cache[request_cache_slot(r)];
  const uint64_t version = g_requests.version();  // read before the lookup: a change in between refetches
  if (nth == 0 && c.version == version && c.handle == r && c.view.id != 0) {
    out = c.view;
    return 1;
  }
  return g_requests.locked_read([&](auto& map) -> size_t {
    auto it = map.find(r);
    if (it == map.end()) return 0;
    const RequestInfo& info = it->second.nth(nth);
    out = RequestView{info.id, info.persistent, info.comm.get()};
    if (it->second.count() == 1) c = RequestCacheEntry{r, out, version};  // a shared handle is never cached
    return it->second.count();
  });
}

void forget_request(MPI_Request r, int64_t id) {
  g_requests.locked([&](auto& map) {
    auto it = map.find(r);
    if (it == map.end()) return;
    RequestSlot& slot = it->second;
    if (slot.first.id == id) {
      if (slot.more.empty()) {
        map.erase(it);
        return;
      }
      slot.first = std::move(slot.more.front());
      slot.more.erase(slot.more.begin());
      return;
    }
    for (size_t i = 0; i < slot.more.size(); ++i)
      if (slot.more[i].id == id) {
        slot.more.erase(slot.more.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
  });
}

int64_t datatype_id(MPI_Datatype t, bool* usable) {
  if (usable) *usable = t != MPI_DATATYPE_NULL;
  if (t == MPI_DATATYPE_NULL) return -1;
  int64_t id;
  // Two cache slots, by a bit of the handle (a pointer in Open MPI, an int in MPICH): a Put of one type to
  // another hits both.
  const size_t bits = std::hash<MPI_Datatype>{}(t);
  if (g_types.find(t, id, t_type_cache[(bits ^ (bits >> 4) ^ (bits >> 8)) & 1])) return id;
  if (g_freed_types.find(t, id)) {  // never flattened: its layout was logged while it lived
    if (usable) *usable = false;
    return id;
  }
  int32_t basic = basic_type_code(t);
  id = basic >= 0 ? basic : g_next_type.fetch_add(1);
  g_types.put(t, id);
  emit_typedef(id, t);
  return id;
}

int64_t register_datatype(MPI_Datatype t) {
  int64_t id = g_next_type.fetch_add(1);
  g_freed_types.erase(t);
  g_types.put(t, id);
  return id;
}

void log_datatype_layout(MPI_Datatype t) {
  int64_t id;
  if (!g_types.find(t, id)) id = register_datatype(t);
  emit_typedef(id, t);
}

void forget_datatype(MPI_Datatype t) {
  if (basic_type_code(t) >= 0) return;
  int64_t id;
  if (g_types.find(t, id)) g_freed_types.put(t, id);
  g_types.erase(t);
}

int64_t op_id(MPI_Op op) {
  static const MPI_Op predefined[] = {
#define RMACHECK_OP_HANDLE(name) name,
      RMACHECK_OPS(RMACHECK_OP_HANDLE)
#undef RMACHECK_OP_HANDLE
  };
  for (int i = 0; i < kOpCount; ++i)
    if (predefined[i] == op) return i;
  int64_t id;
  if (g_ops.find(op, id) || g_freed_ops.find(op, id)) return id;
  return register_op(op);
}

int64_t register_op(MPI_Op op) {
  int64_t id = g_next_op.fetch_add(1);
  g_freed_ops.erase(op);
  g_ops.put(op, id);
  return id;
}

void forget_op(MPI_Op op) {
  int64_t id;
  if (g_ops.find(op, id)) g_freed_ops.put(op, id);
  g_ops.erase(op);
}

int64_t register_group(MPI_Group g, std::vector<int>& world_members) {
  world_members = group_world_ranks(g);
  int64_t id = g_next_group.fetch_add(1);
  g_freed_groups.erase(g);
  g_groups.locked([&](auto& map) { map[g].push_back(id); });
  return id;
}

int64_t freed_group_id(MPI_Group g) {
  int64_t id = 0;
  if (group_id(g) != 0 || !g_freed_groups.find(g, id)) return 0;
  return id;
}

int64_t group_id(MPI_Group g) {
  return g_groups.locked([&](auto& map) -> int64_t {
    auto it = map.find(g);
    return it == map.end() || it->second.empty() ? 0 : it->second.back();
  });
}

void forget_group(MPI_Group g) {
  g_groups.locked([&](auto& map) {
    auto it = map.find(g);
    if (it == map.end()) return;
    const int64_t id = it->second.back();
    it->second.pop_back();
    if (it->second.empty()) {
      map.erase(it);
      g_freed_groups.put(g, id);
    }
  });
}

void register_message(MPI_Message m, CommRef comm) { g_messages.put(m, std::move(comm)); }

CommRef take_message(MPI_Message m) {
  CommRef c;
  if (g_messages.find(m, c)) g_messages.erase(m);
  return c;
}

}  // namespace rmacheck
