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
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "access_entries.h"
#include "atomic_sync.h"
#include "thread_state.h"

using namespace rmacheck::access;

#define RMACHECK_TSAN RMACHECK_ENTRY(default)

namespace {
constexpr uint32_t R = RMACHECK_ACCESS_READ, W = RMACHECK_ACCESS_WRITE;

std::mutex g_modules_mu;
std::set<std::string>& modules() {
  static auto* m = new std::set<std::string>;
  return *m;
}
// Does this module import the ABI (a relocation against __tsan_func_entry or __tsan_init)?
// That is what compiling with -fsanitize=thread leaves in it. (Asking __tsan_init for its
// caller does not work: the compilers' module constructors tail-call it.)
bool imports_tsan_abi(const dl_phdr_info* info) {
  const ElfW(Dyn)* dyn = nullptr;
  for (int i = 0; i < info->dlpi_phnum; ++i)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      dyn = reinterpret_cast<const ElfW(Dyn)*>(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
  if (!dyn) return false;
  const char* strtab = nullptr;
  const ElfW(Sym)* symtab = nullptr;
  const ElfW(Rela) * rel[2] = {nullptr, nullptr};
  size_t relsz[2] = {0, 0};
  for (const ElfW(Dyn)* d = dyn; d->d_tag != DT_NULL; ++d) {
    switch (d->d_tag) {
      case DT_STRTAB:
        strtab = reinterpret_cast<const char*>(d->d_un.d_ptr);
        break;
      case DT_SYMTAB:
        symtab = reinterpret_cast<const ElfW(Sym)*>(d->d_un.d_ptr);
        break;
      case DT_JMPREL:
        rel[0] = reinterpret_cast<const ElfW(Rela)*>(d->d_un.d_ptr);
        break;
      case DT_PLTRELSZ:
        relsz[0] = d->d_un.d_val;
        break;
      case DT_RELA:
        rel[1] = reinterpret_cast<const ElfW(Rela)*>(d->d_un.d_ptr);
        break;
      case DT_RELASZ:
        relsz[1] = d->d_un.d_val;
        break;
      default:
        break;
    }
  }
  if (!strtab || !symtab) return false;
  // The loader relocates these addresses in place, except in the vDSO: skip anything below the module.
  if (reinterpret_cast<uintptr_t>(strtab) < info->dlpi_addr || reinterpret_cast<uintptr_t>(symtab) < info->dlpi_addr)
    return false;
  for (int k = 0; k < 2; ++k) {
    if (!rel[k]) continue;
    for (size_t i = 0; i < relsz[k] / sizeof(ElfW(Rela)); ++i) {
      const size_t sym = ELF64_R_SYM(rel[k][i].r_info);
      if (!sym) continue;
      const char* name = strtab + symtab[sym].st_name;
      if (std::strcmp(name, "__tsan_func_entry") == 0 || std::strcmp(name, "__tsan_init") == 0) return true;
    }
  }
  return false;
}

int collect_module(dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::set<std::string>*>(data);
  if (!imports_tsan_abi(info)) return 0;
  std::string path = info->dlpi_name ? info->dlpi_name : "";
  if (path.empty()) {  // the main program
    char exe[4096];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) path.assign(exe, static_cast<size_t>(n));
  }
  if (!path.empty()) out->insert(path);
  return 0;
}
}  // namespace

namespace rmacheck::access {
size_t instrumented_modules(const char** paths, size_t capacity) {
  std::lock_guard<std::mutex> lock(g_modules_mu);
  modules().clear();
  dl_iterate_phdr(collect_module, &modules());
  size_t n = 0;
  for (const std::string& m : modules())
    if (n < capacity) paths[n++] = m.c_str();
  return n;
}
}  // namespace rmacheck::access

// Each instrumented module's constructor calls __tsan_init: that is how the
// runtime knows which code is checked (the report lists it).
// Each instrumented module's constructor calls __tsan_init; nothing needs setting up (the
// per-thread state starts zeroed, the watch table empty).
RMACHECK_TSAN void __tsan_init() {}

// The per-access entry points and function entry/exit (also linked into each program: access_entries.h).
RMACHECK_ACCESS_ENTRIES(default)

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
// Every operation is performed sequentially consistent, which is always allowed; the memory order
// argument says whether it synchronizes threads (atomic_sync.h). An atomic access of watched memory is
// logged like a plain one.
namespace {
using a8 = char;
using a16 = short;
using a32 = int;
using a64 = long;
using a128 = __int128;
}  // namespace

#define RMACHECK_RMW(N, op, builtin)                                             \
  RMACHECK_TSAN a##N __tsan_atomic##N##_##op(volatile a##N* a, a##N v, int mo) { \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                 \
    before_store(a, mo);                                                         \
    const a##N old = builtin(a, v, __ATOMIC_SEQ_CST);                            \
    after_load(a, mo);                                                           \
    return old;                                                                  \
  }
#define RMACHECK_ATOMIC(N)                                                                                           \
  RMACHECK_TSAN a##N __tsan_atomic##N##_load(const volatile a##N* a, int mo) {                                       \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), R, RMACHECK_PC());                                                     \
    const a##N v = __atomic_load_n(a, __ATOMIC_SEQ_CST);                                                             \
    after_load(a, mo);                                                                                               \
    return v;                                                                                                        \
  }                                                                                                                  \
  RMACHECK_TSAN void __tsan_atomic##N##_store(volatile a##N* a, a##N v, int mo) {                                    \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                                     \
    before_store(a, mo);                                                                                             \
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                                        \
  }                                                                                                                  \
  RMACHECK_RMW(N, exchange, __atomic_exchange_n)                                                                     \
  RMACHECK_RMW(N, fetch_add, __atomic_fetch_add)                                                                     \
  RMACHECK_RMW(N, fetch_sub, __atomic_fetch_sub)                                                                     \
  RMACHECK_RMW(N, fetch_and, __atomic_fetch_and)                                                                     \
  RMACHECK_RMW(N, fetch_or, __atomic_fetch_or)                                                                       \
  RMACHECK_RMW(N, fetch_xor, __atomic_fetch_xor)                                                                     \
  RMACHECK_RMW(N, fetch_nand, __atomic_fetch_nand)                                                                   \
  RMACHECK_TSAN int __tsan_atomic##N##_compare_exchange_strong(volatile a##N* a, a##N* c, a##N v, int mo, int fmo) { \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                                     \
    before_store(a, mo);                                                                                             \
    const bool ok = __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                 \
    after_load(a, ok ? mo : fmo);                                                                                    \
    return ok;                                                                                                       \
  }                                                                                                                  \
  RMACHECK_TSAN int __tsan_atomic##N##_compare_exchange_weak(volatile a##N* a, a##N* c, a##N v, int mo, int fmo) {   \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                                     \
    before_store(a, mo);                                                                                             \
    const bool ok = __atomic_compare_exchange_n(a, c, v, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                  \
    after_load(a, ok ? mo : fmo);                                                                                    \
    return ok;                                                                                                       \
  }                                                                                                                  \
  RMACHECK_TSAN a##N __tsan_atomic##N##_compare_exchange_val(volatile a##N* a, a##N c, a##N v, int mo, int fmo) {    \
    on_access(RMACHECK_ADDR(a), sizeof(a##N), W, RMACHECK_PC());                                                     \
    before_store(a, mo);                                                                                             \
    const bool ok = __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                \
    after_load(a, ok ? mo : fmo);                                                                                    \
    return c;                                                                                                        \
  }
RMACHECK_ATOMIC(8)
RMACHECK_ATOMIC(16)
RMACHECK_ATOMIC(32)
RMACHECK_ATOMIC(64)
RMACHECK_ATOMIC(128)

RMACHECK_TSAN void __tsan_atomic_thread_fence(int mo) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  thread_fence(mo);
}
RMACHECK_TSAN void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }
