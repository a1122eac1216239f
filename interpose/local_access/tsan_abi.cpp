// The ThreadSanitizer compiler ABI, as gcc 12 and clang 14 emit it under
// -fsanitize=thread: plain, unaligned, volatile, compound (read-write),
// pc-taking and range accesses of every size, function entry/exit, the
// C++ vptr hooks, atomics (which must perform the real operation), and
// init. Each access goes to the fast path of thread_state.h; nothing here
// detects races: the analyzer does, offline.
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "thread_state.h"

using namespace rmacheck::access;

#define RMACHECK_TSAN extern "C" __attribute__((visibility("default")))
#define RMACHECK_PC() reinterpret_cast<uintptr_t>(__builtin_return_address(0))
#define RMACHECK_ADDR(p) reinterpret_cast<uintptr_t>(p)

namespace {
constexpr uint32_t R = RMACHECK_ACCESS_READ, W = RMACHECK_ACCESS_WRITE;

std::mutex g_modules_mu;
std::set<std::string>& modules() {
  static auto* m = new std::set<std::string>;
  return *m;
}
// dladdr names the main program as it was started (often a relative path): compare bases instead.
const void* main_program_base() {
  static const void* base = [] {
    const void* b = nullptr;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* out) {
          *static_cast<const void**>(out) = reinterpret_cast<const void*>(info->dlpi_addr);
          return 1;  // the first module is the main program
        },
        &b);
    return b;
  }();
  return base;
}
}  // namespace

namespace rmacheck::access {
size_t instrumented_modules(const char** paths, size_t capacity) {
  std::lock_guard<std::mutex> lock(g_modules_mu);
  size_t n = 0;
  for (const std::string& m : modules())
    if (n < capacity) paths[n++] = m.c_str();
  return n;
}
}  // namespace rmacheck::access

// Each instrumented module's constructor calls __tsan_init: that is how the
// runtime knows which code is checked (the report lists it).
RMACHECK_TSAN void __tsan_init() {
  Dl_info info;
  if (!dladdr(__builtin_return_address(0), &info)) return;
  std::string path = info.dli_fname ? info.dli_fname : "";
  if (info.dli_fbase == main_program_base() || path.empty()) {
    char exe[4096];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) path.assign(exe, static_cast<size_t>(n));
  }
  std::lock_guard<std::mutex> lock(g_modules_mu);
  modules().insert(path);
}

RMACHECK_TSAN void __tsan_func_entry(void* caller_pc) { on_func_entry(RMACHECK_ADDR(caller_pc)); }
RMACHECK_TSAN void __tsan_func_exit() { on_func_exit(); }

#define RMACHECK_ACCESS_SIZE(N)                                                                                        \
  RMACHECK_TSAN void __tsan_read##N(void* a) { on_access(RMACHECK_ADDR(a), N, R, RMACHECK_PC()); }                     \
  RMACHECK_TSAN void __tsan_write##N(void* a) { on_access(RMACHECK_ADDR(a), N, W, RMACHECK_PC()); }                    \
  RMACHECK_TSAN void __tsan_unaligned_read##N(const void* a) { on_access(RMACHECK_ADDR(a), N, R, RMACHECK_PC()); }     \
  RMACHECK_TSAN void __tsan_unaligned_write##N(void* a) { on_access(RMACHECK_ADDR(a), N, W, RMACHECK_PC()); }          \
  RMACHECK_TSAN void __tsan_volatile_read##N(void* a) { on_access(RMACHECK_ADDR(a), N, R, RMACHECK_PC()); }            \
  RMACHECK_TSAN void __tsan_volatile_write##N(void* a) { on_access(RMACHECK_ADDR(a), N, W, RMACHECK_PC()); }           \
  RMACHECK_TSAN void __tsan_unaligned_volatile_read##N(void* a) { on_access(RMACHECK_ADDR(a), N, R, RMACHECK_PC()); }  \
  RMACHECK_TSAN void __tsan_unaligned_volatile_write##N(void* a) { on_access(RMACHECK_ADDR(a), N, W, RMACHECK_PC()); } \
  /* compound read-modify-write (clang -tsan-compound-read-before-write): a write subsumes the read */                 \
  RMACHECK_TSAN void __tsan_read_write##N(void* a) { on_access(RMACHECK_ADDR(a), N, W, RMACHECK_PC()); }               \
  RMACHECK_TSAN void __tsan_unaligned_read_write##N(void* a) { on_access(RMACHECK_ADDR(a), N, W, RMACHECK_PC()); }     \
  RMACHECK_TSAN void __tsan_read##N##_pc(void* a, void* pc) { on_access(RMACHECK_ADDR(a), N, R, RMACHECK_ADDR(pc)); }  \
  RMACHECK_TSAN void __tsan_write##N##_pc(void* a, void* pc) { on_access(RMACHECK_ADDR(a), N, W, RMACHECK_ADDR(pc)); }
RMACHECK_ACCESS_SIZE(1)
RMACHECK_ACCESS_SIZE(2)
RMACHECK_ACCESS_SIZE(4)
RMACHECK_ACCESS_SIZE(8)
RMACHECK_ACCESS_SIZE(16)

RMACHECK_TSAN void __tsan_read_range(void* a, unsigned long n) { on_range(RMACHECK_ADDR(a), n, R, RMACHECK_PC()); }
RMACHECK_TSAN void __tsan_write_range(void* a, unsigned long n) { on_range(RMACHECK_ADDR(a), n, W, RMACHECK_PC()); }
RMACHECK_TSAN void __tsan_read_range_pc(void* a, unsigned long n, void* pc) {
  on_range(RMACHECK_ADDR(a), n, R, RMACHECK_ADDR(pc));
}
RMACHECK_TSAN void __tsan_write_range_pc(void* a, unsigned long n, void* pc) {
  on_range(RMACHECK_ADDR(a), n, W, RMACHECK_ADDR(pc));
}

// C++ virtual calls: the object's vtable pointer is read (and written by constructors).
RMACHECK_TSAN void __tsan_vptr_read(void** vptr_p) {
  on_access(RMACHECK_ADDR(vptr_p), sizeof(void*), R, RMACHECK_PC());
}
RMACHECK_TSAN void __tsan_vptr_update(void** vptr_p, void* new_val) {
  if (*vptr_p != new_val) on_access(RMACHECK_ADDR(vptr_p), sizeof(void*), W, RMACHECK_PC());
}

// Thread-ignore regions and the external API: nothing to do (no detection at run time).
RMACHECK_TSAN void __tsan_ignore_thread_begin() {}
RMACHECK_TSAN void __tsan_ignore_thread_end() {}

// ---- atomics: the compiler replaced the operation by this call, so it must happen here ----
// The memory order argument is ignored: every operation is sequentially consistent, which is
// always allowed. An atomic access of watched memory is logged like a plain one.
namespace {
using a8 = char;
using a16 = short;
using a32 = int;
using a64 = long;
using a128 = __int128;
}  // namespace

#define RMACHECK_ATOMIC(N)                                                                                    \
  RMACHECK_TSAN a##N __tsan_atomic##N##_load(const volatile a##N* a, int) {                                   \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), R, RMACHECK_PC());                                              \
    return __atomic_load_n(a, __ATOMIC_SEQ_CST);                                                              \
  }                                                                                                           \
  RMACHECK_TSAN void __tsan_atomic##N##_store(volatile a##N* a, a##N v, int) {                                \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                                 \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_exchange(volatile a##N* a, a##N v, int) {                             \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST);                                                       \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_fetch_add(volatile a##N* a, a##N v, int) {                            \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);                                                        \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_fetch_sub(volatile a##N* a, a##N v, int) {                            \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST);                                                        \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_fetch_and(volatile a##N* a, a##N v, int) {                            \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST);                                                        \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_fetch_or(volatile a##N* a, a##N v, int) {                             \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST);                                                         \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_fetch_xor(volatile a##N* a, a##N v, int) {                            \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST);                                                        \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_fetch_nand(volatile a##N* a, a##N v, int) {                           \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST);                                                       \
  }                                                                                                           \
  RMACHECK_TSAN int __tsan_atomic##N##_compare_exchange_strong(volatile a##N* a, a##N* c, a##N v, int, int) { \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                   \
  }                                                                                                           \
  RMACHECK_TSAN int __tsan_atomic##N##_compare_exchange_weak(volatile a##N* a, a##N* c, a##N v, int, int) {   \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    return __atomic_compare_exchange_n(a, c, v, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                    \
  }                                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_compare_exchange_val(volatile a##N* a, a##N c, a##N v, int, int) {    \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                              \
    __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                         \
    return c;                                                                                                 \
  }
RMACHECK_ATOMIC(8)
RMACHECK_ATOMIC(16)
RMACHECK_ATOMIC(32)
RMACHECK_ATOMIC(64)
RMACHECK_ATOMIC(128)

RMACHECK_TSAN void __tsan_atomic_thread_fence(int) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
RMACHECK_TSAN void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }
