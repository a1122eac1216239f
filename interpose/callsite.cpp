#include "callsite.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "guard/python_frames.h"
#include "handles.h"
#include "runtime.h"
#include "self_mutex.h"
#include "system_modules.h"

namespace rmacheck {

namespace {

struct Range {
  uintptr_t start, end;
  bool system;  // MPI, mpi4py, Python or rmacheck itself: not the user's code
  bool loader;  // ld-linux: the dynamic loader
};

// Immutable once published; replaced (and the old one leaked) when a pc falls
// outside every known module, i.e. after a dlopen. Rare, and lock-free to read.
std::atomic<const std::vector<Range>*> g_ranges{nullptr};
SelfMutex g_mu;  // guards rescans, the string table and the code cache

struct ScanState {
  std::vector<Range>* ranges;
  RecordBuffer* rec;
  size_t count;
};

int scan_module(dl_phdr_info* info, size_t, void* data) {
  auto* st = static_cast<ScanState*>(data);
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    lo = std::min<uintptr_t>(lo, info->dlpi_addr + ph.p_vaddr);
    hi = std::max<uintptr_t>(hi, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
  }
  if (lo >= hi) return 0;
  std::string path = info->dlpi_name ? info->dlpi_name : "";
  if (path.empty()) {  // the main program
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    path = n > 0 ? std::string(exe, static_cast<size_t>(n)) : "";
  }
  if (path.empty() || path.find("linux-vdso") != std::string::npos) return 0;
  st->ranges->push_back({lo, hi, is_system_module(path), path.find("/ld-linux") != std::string::npos});
  st->rec->varint(static_cast<int64_t>(lo));
  st->rec->varint(static_cast<int64_t>(hi));
  st->rec->varint(static_cast<int64_t>(info->dlpi_addr));
  st->rec->varint(static_cast<int64_t>(path.size()));
  st->rec->raw(path.data(), path.size());
  ++st->count;
  return 0;
}

// Logs the current module map and publishes its ranges. Caller holds g_mu.
void rescan_modules() {
  auto* ranges = new std::vector<Range>;
  RecordBuffer body;
  body.reset(kRecModules);
  ScanState st{ranges, &body, 0};
  dl_iterate_phdr(scan_module, &st);
  RecordBuffer rec;
  rec.reset(kRecModules);
  rec.varint(static_cast<int64_t>(st.count));
  rec.raw(body.data() + 1, body.size() - 1);
  runtime().log.append(rec.data(), rec.size());
  std::sort(ranges->begin(), ranges->end(), [](const Range& a, const Range& b) { return a.start < b.start; });
  g_ranges.store(ranges, std::memory_order_release);
  arguments_changed();  // a call site's module may have changed: repeated calls' templates are stale
}

const Range* find_range(uintptr_t pc) {
  const auto* ranges = g_ranges.load(std::memory_order_acquire);
  if (!ranges) return nullptr;
  auto it =
      std::upper_bound(ranges->begin(), ranges->end(), pc, [](uintptr_t v, const Range& r) { return v < r.start; });
  if (it == ranges->begin()) return nullptr;
  --it;
  return pc < it->end ? &*it : nullptr;
}

// This thread's last call-site module: the calls of a loop come from one module, and a binary search per
// call costs more than the check. Trivial thread_locals (no TLS init call); module maps are never freed.
thread_local const std::vector<Range>* t_last_ranges = nullptr;
thread_local const Range* t_last_range = nullptr;

const Range* find_range_of_call(uintptr_t pc) {
  const auto* ranges = g_ranges.load(std::memory_order_acquire);
  const Range* r = t_last_range;
  if (ranges == t_last_ranges && r && pc >= r->start && pc < r->end) return r;
  r = find_range(pc);
  t_last_ranges = ranges, t_last_range = r;
  return r;
}

std::unordered_map<std::string, int64_t> g_strings;

int64_t intern_locked(const char* s) {
  auto it = g_strings.find(s);
  if (it != g_strings.end()) return it->second;
  int64_t id = static_cast<int64_t>(g_strings.size()) + 1;
  g_strings.emplace(s, id);
  RecordBuffer rec;
  rec.reset(kRecString);
  rec.varint(id);
  size_t n = std::strlen(s);
  rec.varint(static_cast<int64_t>(n));
  rec.raw(s, n);
  runtime().log.append(rec.data(), rec.size());
  return id;
}

}  // namespace

int64_t intern_string(const char* s) {
  std::lock_guard<SelfMutex> lock(g_mu);
  return intern_locked(s);
}

namespace {

// ---- CPython, reached through dlsym (the interpreter may not be there at all) ----
struct PyApi {
  int (*is_initialized)() = nullptr;
  int (*is_finalizing)() = nullptr;
  int (*gil_ensure)() = nullptr;
  void (*gil_release)(int) = nullptr;
  void* (*get_frame)() = nullptr;
  int (*frame_line)(void*) = nullptr;
  int (*frame_lasti)(void*) = nullptr;  // Python 3.11+: lets the line lookup be cached
  void* (*frame_code)(void*) = nullptr;
  void* (*frame_back)(void*) = nullptr;
  void* (*get_attr)(void*, const char*) = nullptr;
  const char* (*as_utf8)(void*) = nullptr;
  void (*dec_ref)(void*) = nullptr;
  void (*inc_ref)(void*) = nullptr;
  void (*err_clear)() = nullptr;
  int (*addr_to_line)(void*, int) = nullptr;  // PyCode_Addr2Line(code, byte offset)
  bool usable = false;
} g_py;

template <class F>
void lookup(F& fn, const char* name) {
  fn = reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

void find_python() {
  lookup(g_py.is_initialized, "Py_IsInitialized");
  lookup(g_py.is_finalizing, "_Py_IsFinalizing");
  if (!g_py.is_finalizing) lookup(g_py.is_finalizing, "Py_IsFinalizing");
  lookup(g_py.gil_ensure, "PyGILState_Ensure");
  lookup(g_py.gil_release, "PyGILState_Release");
  lookup(g_py.get_frame, "PyEval_GetFrame");
  lookup(g_py.frame_line, "PyFrame_GetLineNumber");
  lookup(g_py.frame_lasti, "PyFrame_GetLasti");
  lookup(g_py.frame_code, "PyFrame_GetCode");
  lookup(g_py.frame_back, "PyFrame_GetBack");
  lookup(g_py.get_attr, "PyObject_GetAttrString");
  lookup(g_py.as_utf8, "PyUnicode_AsUTF8");
  lookup(g_py.dec_ref, "Py_DecRef");
  lookup(g_py.inc_ref, "Py_IncRef");
  lookup(g_py.err_clear, "PyErr_Clear");
  lookup(g_py.addr_to_line, "PyCode_Addr2Line");
  g_py.usable = g_py.is_initialized && g_py.gil_ensure && g_py.gil_release && g_py.get_frame && g_py.frame_line &&
                g_py.frame_code && g_py.frame_back && g_py.get_attr && g_py.as_utf8 && g_py.dec_ref && g_py.inc_ref &&
                g_py.err_clear;
}

struct CodeInfo {
  int64_t file = 0, func = 0;
  bool skip = false;     // code inside mpi4py's own Python modules
  bool library = false;  // and numpy, the standard library, installed packages: not where an access is the program's
};

// Python code that is never the program's own for a load or store: what is_system_python_file says,
// and anything installed (numpy's Python functions read arrays on the caller's behalf).
bool is_library_python_file(const std::string& file) {
  if (!file.empty() && file[0] == '<')  // generated code (numpy's "<__array_function__ internals>"), not a script
    return file != "<stdin>" && file != "<string>" && file != "<console>";
  return is_system_python_file(file) || file.rfind("/usr/lib/python3", 0) == 0 ||
         file.find("/site-packages/") != std::string::npos || file.find("/dist-packages/") != std::string::npos;
}
// Keyed by code object. The cache holds a reference to each code object it
// has seen, so an address is never reused by another code object (a few
// hundred bytes per function that ever called MPI).
std::unordered_map<void*, CodeInfo> g_code_cache;

// PyFrame_GetLineNumber scans the code's whole line table on every call (in a
// long module that costs ~15 us per MPI call); the line of a given
// instruction never changes, so remember it by (code object, instruction offset).
struct LineKey {
  void* code;
  int lasti;
  bool operator==(const LineKey& o) const { return code == o.code && lasti == o.lasti; }
};
struct LineKeyHash {
  size_t operator()(const LineKey& k) const {
    return std::hash<void*>()(k.code) ^ (static_cast<size_t>(k.lasti) * 0x9E3779B97F4A7C15ull);
  }
};
std::unordered_map<LineKey, int, LineKeyHash> g_line_cache;

int frame_line(void* frame, void* code) {
  if (!g_py.frame_lasti) return g_py.frame_line(frame);
  const LineKey key{code, g_py.frame_lasti(frame)};
  std::lock_guard<SelfMutex> lock(g_mu);
  auto it = g_line_cache.find(key);
  if (it != g_line_cache.end()) return it->second;
  const int line = g_py.frame_line(frame);
  g_line_cache.emplace(key, line);
  return line;
}

std::string attr_string(void* obj, const char* name) {
  void* v = g_py.get_attr(obj, name);
  if (!v) {
    g_py.err_clear();
    return "?";
  }
  const char* s = g_py.as_utf8(v);
  std::string out = s ? s : "?";
  if (!s) g_py.err_clear();
  g_py.dec_ref(v);
  return out;
}

bool g_raw_frames = false;  // guard/python_frames.c can read this interpreter's frames raw

enum class Cached { kFound, kNone, kUnknown };

// The call site from the caches alone, without the GIL: this thread's frames read raw (it is inside
// the MPI call, so its frames stay as they are; no other thread changes them), each code object
// looked up in g_code_cache (which holds a reference to it: a cached address is that code object)
// and the named frame's line in g_line_cache. kUnknown when a code object or a line was not seen
// yet: the caller then asks the interpreter, with the GIL (which costs more than everything else
// of a logged call: mpi4py released it around the MPI call).
Cached record_python_frame_cached(RecordBuffer& rec) {
  if (!g_raw_frames) return Cached::kUnknown;
  constexpr int kMax = 64;  // as the walk with the GIL
  RmacheckRawPyFrame raw[kMax];
  int holds_gil = 0;
  const int n = rmacheck_py_frames_capture(raw, kMax, &holds_gil);
  if (n == 0) return Cached::kUnknown;
  std::lock_guard<SelfMutex> lock(g_mu);
  for (int i = 0; i < n; ++i) {
    const auto code = g_code_cache.find(raw[i].code);
    if (code == g_code_cache.end()) return Cached::kUnknown;
    if (code->second.skip) continue;
    const auto line = g_line_cache.find(LineKey{raw[i].code, raw[i].lasti * 2});  // PyFrame_GetLasti: bytes
    if (line == g_line_cache.end()) return Cached::kUnknown;
    rec.field(kF_py_file, code->second.file);
    rec.field(kF_py_line, line->second);
    rec.field(kF_py_func, code->second.func);
    return Cached::kFound;
  }
  return n < kMax ? Cached::kNone : Cached::kUnknown;
}

// Innermost frame outside mpi4py. Needs the GIL: mpi4py released it around
// the MPI call, and PyGILState_Ensure takes it back for this thread.
bool record_python_frame(RecordBuffer& rec) {
  if (!g_py.is_initialized() || (g_py.is_finalizing && g_py.is_finalizing())) return false;
  const Cached cached = record_python_frame_cached(rec);
  if (cached != Cached::kUnknown) return cached == Cached::kFound;
  int gil = g_py.gil_ensure();
  bool found = false;
  void* frame = g_py.get_frame();  // borrowed
  void* owned = nullptr;           // frames from PyFrame_GetBack are new references
  for (int depth = 0; frame && depth < 64 && !found; ++depth) {
    void* code = g_py.frame_code(frame);
    CodeInfo info;
    {
      std::lock_guard<SelfMutex> lock(g_mu);
      auto it = g_code_cache.find(code);
      if (it == g_code_cache.end()) {
        std::string file = attr_string(code, "co_filename");
        info.skip = is_system_python_file(file);
        info.library = is_library_python_file(file);
        info.file = intern_locked(file.c_str());
        info.func = intern_locked(attr_string(code, "co_name").c_str());
        g_py.inc_ref(code);
        g_code_cache.emplace(code, info);
      } else {
        info = it->second;
      }
    }
    if (!info.skip) {
      rec.field(kF_py_file, info.file);
      rec.field(kF_py_line, frame_line(frame, code));
      rec.field(kF_py_func, info.func);
      found = true;
      g_py.dec_ref(code);
    } else {
      g_py.dec_ref(code);
      void* back = g_py.frame_back(frame);
      if (owned) g_py.dec_ref(owned);
      owned = frame = back;
    }
  }
  if (owned) g_py.dec_ref(owned);
  g_py.gil_release(gil);
  return found;
}

CodeInfo code_info(void* code) {
  std::lock_guard<SelfMutex> lock(g_mu);
  auto it = g_code_cache.find(code);
  if (it != g_code_cache.end()) return it->second;
  CodeInfo info;
  std::string file = attr_string(code, "co_filename");
  info.skip = is_system_python_file(file);
  info.library = is_library_python_file(file);
  info.file = intern_locked(file.c_str());
  info.func = intern_locked(attr_string(code, "co_name").c_str());
  g_py.inc_ref(code);
  g_code_cache.emplace(code, info);
  return info;
}

// The innermost of raw `frames` that is the program's (else the outermost), as py_file / py_line /
// py_func; `info_of(code)` names a code object, or gives nullopt for one that is not to be named.
template <class InfoOf>
bool record_program_frame(RecordBuffer& rec, const guard::PyFrameRef* frames, uint32_t n, InfoOf info_of) {
  for (uint32_t i = 0; i < n; ++i) {
    const std::optional<CodeInfo> info = info_of(frames[i].code);
    if (!info || (info->library && i + 1 < n)) continue;
    rec.field(kF_py_file, info->file);
    rec.field(kF_py_line, g_py.addr_to_line(frames[i].code, frames[i].lasti * 2));  // 2 bytes per code unit
    rec.field(kF_py_func, info->func);
    return true;
  }
  return false;
}

}  // namespace

void record_python_frames(RecordBuffer& rec, const guard::PyFrameRef* frames, uint32_t n, bool owned) {
  if (!g_py.usable || !g_py.addr_to_line || !g_py.is_initialized() || (g_py.is_finalizing && g_py.is_finalizing()))
    return;
  const int gil = g_py.gil_ensure();
  record_program_frame(rec, frames, n, [](void* code) -> std::optional<CodeInfo> { return code_info(code); });
  if (owned)
    for (uint32_t i = 0; i < n; ++i) g_py.dec_ref(frames[i].code);
  g_py.gil_release(gil);
}

bool record_python_frames_in_handler(RecordBuffer& rec, const guard::PyFrameRef* frames, uint32_t n) {
  if (!g_py.usable || !g_py.addr_to_line || !g_mu.try_lock()) return false;
  const bool found = record_program_frame(rec, frames, n, [](void* code) -> std::optional<CodeInfo> {
    auto it = g_code_cache.find(code);
    // Never at a call site: naming it would take the Python API. mpi4py's own code: not the program's.
    if (it == g_code_cache.end() || it->second.skip) return std::nullopt;
    return it->second;
  });
  g_mu.unlock();
  return found;
}

void callsite_init() {
  std::lock_guard<SelfMutex> lock(g_mu);
  rescan_modules();
  if (runtime().flags.python) {
    find_python();
    // Cached call sites need the line cache, keyed by PyFrame_GetLasti (Python 3.11+).
    g_raw_frames = g_py.usable && g_py.frame_lasti && rmacheck_py_frames_init() != 0;
  }
}

bool record_callsite(RecordBuffer& rec, void* ret_addr) {
  const auto pc = reinterpret_cast<uintptr_t>(ret_addr);
  const Range* range = find_range_of_call(pc);
  if (!range) {  // code loaded after the last scan (dlopen): log the new map first
    std::lock_guard<SelfMutex> lock(g_mu);
    if (!find_range(pc)) rescan_modules();
    range = find_range(pc);
  }
  const int depth = runtime().flags.stack_depth;
  if (range && range->system && g_py.usable && record_python_frame(rec)) {
    rec.array(kF_pcs, &pc, 1);
    return false;
  }
  if (depth > 0 || (range && range->system)) {
    // The caller is a binding layer (C++/Fortran) or the user asked for stacks:
    // walk further, starting at the wrapper's own return address.
    void* frames[80];
    int n = backtrace(frames, 80);
    int first = 0;
    while (first < n && reinterpret_cast<uintptr_t>(frames[first]) != pc) ++first;
    if (first == n) first = 0;
    int keep = std::min(n - first, depth > 0 ? depth : 16);
    if (keep > 0) {
      uintptr_t pcs[80];
      for (int i = 0; i < keep; ++i) pcs[i] = reinterpret_cast<uintptr_t>(frames[first + i]);
      rec.array(kF_pcs, pcs, static_cast<size_t>(keep));
      return false;
    }
  }
  rec.array(kF_pcs, &pc, 1);
  return range && !range->system && depth <= 0;
}

bool pc_in_loader(uintptr_t pc) {
  const Range* r = find_range(pc);
  return r && r->loader;
}

bool pc_in_system_module(uintptr_t pc) {
  const Range* r = find_range(pc);
  return r && r->system;
}

}  // namespace rmacheck
