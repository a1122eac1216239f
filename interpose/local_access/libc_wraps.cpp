// The C library routines that read or write the program's buffers, seen
// through the linker's --wrap (added by `rmacheck mpicc` at link time): only
// calls made by the program's own objects arrive here, never the MPI
// library's internal copies (those are the RMA operations themselves).
// memcpy/memset/memmove are here because the program is compiled with
// -fno-builtin-memcpy/-memset/-memmove, so every copy is a call; the
// _FORTIFY_SOURCE variants and the stdio/unistd routines that fill or drain
// user buffers (fread into a window) count the same way.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "thread_state.h"

using namespace rmacheck::access;

#define RMACHECK_WRAP_API extern "C" __attribute__((visibility("default")))
#define RMACHECK_PC() reinterpret_cast<uintptr_t>(__builtin_return_address(0))
#define RMACHECK_ADDR(p) reinterpret_cast<uintptr_t>(p)

namespace {
constexpr uint32_t R = RMACHECK_ACCESS_READ, W = RMACHECK_ACCESS_WRITE;
inline size_t filled(ssize_t n) { return n > 0 ? static_cast<size_t>(n) : 0; }
}  // namespace

RMACHECK_WRAP_API void* __wrap_memcpy(void* d, const void* s, size_t n) {
  on_range(RMACHECK_ADDR(s), n, R, RMACHECK_PC());
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return memcpy(d, s, n);
}
RMACHECK_WRAP_API void* __wrap_memmove(void* d, const void* s, size_t n) {
  on_range(RMACHECK_ADDR(s), n, R, RMACHECK_PC());
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return memmove(d, s, n);
}
RMACHECK_WRAP_API void* __wrap_memset(void* d, int c, size_t n) {
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return memset(d, c, n);
}
RMACHECK_WRAP_API void* __wrap___memcpy_chk(void* d, const void* s, size_t n, size_t) {
  on_range(RMACHECK_ADDR(s), n, R, RMACHECK_PC());
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return memcpy(d, s, n);
}
RMACHECK_WRAP_API void* __wrap___memmove_chk(void* d, const void* s, size_t n, size_t) {
  on_range(RMACHECK_ADDR(s), n, R, RMACHECK_PC());
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return memmove(d, s, n);
}
RMACHECK_WRAP_API void* __wrap___memset_chk(void* d, int c, size_t n, size_t) {
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return memset(d, c, n);
}
RMACHECK_WRAP_API size_t __wrap_fread(void* p, size_t size, size_t n, FILE* f) {
  const size_t got = fread(p, size, n, f);
  on_range(RMACHECK_ADDR(p), got * size, W, RMACHECK_PC());
  return got;
}
RMACHECK_WRAP_API size_t __wrap_fwrite(const void* p, size_t size, size_t n, FILE* f) {
  on_range(RMACHECK_ADDR(p), size * n, R, RMACHECK_PC());
  return fwrite(p, size, n, f);
}
RMACHECK_WRAP_API ssize_t __wrap_read(int fd, void* p, size_t n) {
  const ssize_t got = read(fd, p, n);
  on_range(RMACHECK_ADDR(p), filled(got), W, RMACHECK_PC());
  return got;
}
RMACHECK_WRAP_API ssize_t __wrap_pread(int fd, void* p, size_t n, off_t off) {
  const ssize_t got = pread(fd, p, n, off);
  on_range(RMACHECK_ADDR(p), filled(got), W, RMACHECK_PC());
  return got;
}
RMACHECK_WRAP_API ssize_t __wrap_write(int fd, const void* p, size_t n) {
  on_range(RMACHECK_ADDR(p), n, R, RMACHECK_PC());
  return write(fd, p, n);
}
RMACHECK_WRAP_API ssize_t __wrap_pwrite(int fd, const void* p, size_t n, off_t off) {
  on_range(RMACHECK_ADDR(p), n, R, RMACHECK_PC());
  return pwrite(fd, p, n, off);
}
RMACHECK_WRAP_API char* __wrap_fgets(char* s, int n, FILE* f) {
  char* r = fgets(s, n, f);
  if (r) on_range(RMACHECK_ADDR(s), strlen(s) + 1, W, RMACHECK_PC());
  return r;
}
RMACHECK_WRAP_API char* __wrap_strcpy(char* d, const char* s) {
  const size_t n = strlen(s) + 1;
  on_range(RMACHECK_ADDR(s), n, R, RMACHECK_PC());
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return static_cast<char*>(memcpy(d, s, n));
}
RMACHECK_WRAP_API char* __wrap_strncpy(char* d, const char* s, size_t n) {
  on_range(RMACHECK_ADDR(s), strnlen(s, n) + (strnlen(s, n) < n), R, RMACHECK_PC());
  on_range(RMACHECK_ADDR(d), n, W, RMACHECK_PC());
  return strncpy(d, s, n);
}
