// The ThreadSanitizer ABI's per-access entry points (plain, unaligned,
// volatile, compound and pc-taking reads and writes of 1 to 16 bytes) and
// function entry/exit: the calls an instrumented loop makes. One list,
// defined twice: exported by librmacheck_access.so, for every instrumented
// module, and hidden in librmacheck_access_fast.a, which `rmacheck mpicc`
// links into each program and library it links, so that there the
// compiler's call is a direct call instead of one through the GOT (the
// stencil benchmark with empty entry points: 1.25x the plain build linked
// in, 1.64x in a shared library). Both go to the same fast path
// (thread_state.h) and state (librmacheck_access.so's t_fast and watch
// table), so it does not matter which copy a module's calls reach.
#pragma once

#include <cstdint>

#include "thread_state.h"

#define RMACHECK_ENTRY(VIS) extern "C" __attribute__((visibility(#VIS)))
#define RMACHECK_PC() reinterpret_cast<uintptr_t>(__builtin_return_address(0))
#define RMACHECK_ADDR(p) reinterpret_cast<uintptr_t>(p)

// One entry point: an access of N bytes of kind KIND, at the caller's pc or the one given (PC_ARG).
// The address is const void* throughout: under C linkage its constness is not part of the ABI.
#define RMACHECK_ACCESS_AT(VIS, NAME, N, KIND)                             \
  RMACHECK_ENTRY(VIS) void NAME(const void* a) {                           \
    rmacheck::access::on_access(RMACHECK_ADDR(a), N, KIND, RMACHECK_PC()); \
  }
#define RMACHECK_ACCESS_PC_ARG(VIS, NAME, N, KIND)                             \
  RMACHECK_ENTRY(VIS) void NAME(const void* a, void* pc) {                     \
    rmacheck::access::on_access(RMACHECK_ADDR(a), N, KIND, RMACHECK_ADDR(pc)); \
  }

// A compound read-modify-write (clang -tsan-compound-read-before-write) logs as a write: it subsumes the read.
#define RMACHECK_ACCESS_SIZE(VIS, N)                                                    \
  RMACHECK_ACCESS_AT(VIS, __tsan_read##N, N, RMACHECK_ACCESS_READ)                      \
  RMACHECK_ACCESS_AT(VIS, __tsan_write##N, N, RMACHECK_ACCESS_WRITE)                    \
  RMACHECK_ACCESS_AT(VIS, __tsan_unaligned_read##N, N, RMACHECK_ACCESS_READ)            \
  RMACHECK_ACCESS_AT(VIS, __tsan_unaligned_write##N, N, RMACHECK_ACCESS_WRITE)          \
  RMACHECK_ACCESS_AT(VIS, __tsan_volatile_read##N, N, RMACHECK_ACCESS_READ)             \
  RMACHECK_ACCESS_AT(VIS, __tsan_volatile_write##N, N, RMACHECK_ACCESS_WRITE)           \
  RMACHECK_ACCESS_AT(VIS, __tsan_unaligned_volatile_read##N, N, RMACHECK_ACCESS_READ)   \
  RMACHECK_ACCESS_AT(VIS, __tsan_unaligned_volatile_write##N, N, RMACHECK_ACCESS_WRITE) \
  RMACHECK_ACCESS_AT(VIS, __tsan_read_write##N, N, RMACHECK_ACCESS_WRITE)               \
  RMACHECK_ACCESS_AT(VIS, __tsan_unaligned_read_write##N, N, RMACHECK_ACCESS_WRITE)     \
  RMACHECK_ACCESS_PC_ARG(VIS, __tsan_read##N##_pc, N, RMACHECK_ACCESS_READ)             \
  RMACHECK_ACCESS_PC_ARG(VIS, __tsan_write##N##_pc, N, RMACHECK_ACCESS_WRITE)

#define RMACHECK_ACCESS_ENTRIES(VIS)                                                \
  RMACHECK_ENTRY(VIS) void __tsan_func_entry(void* caller_pc) {                     \
    rmacheck::access::on_func_entry(RMACHECK_ADDR(caller_pc));                      \
  }                                                                                 \
  RMACHECK_ENTRY(VIS) void __tsan_func_exit() { rmacheck::access::on_func_exit(); } \
  RMACHECK_ACCESS_SIZE(VIS, 1)                                                      \
  RMACHECK_ACCESS_SIZE(VIS, 2)                                                      \
  RMACHECK_ACCESS_SIZE(VIS, 4)                                                      \
  RMACHECK_ACCESS_SIZE(VIS, 8)                                                      \
  RMACHECK_ACCESS_SIZE(VIS, 16)
