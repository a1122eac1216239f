// The C library calls through which the kernel reads or writes the
// program's buffers. A protected page there would not fault: the call
// would fail with EFAULT and the program would see an error it never had.
// Around such a call on guarded memory the pages are opened as for an MPI
// call, and the access is recorded as the program's own (read(2) into a
// window is a store to it, write(2) from it a load). MPI's own calls come
// while the pages are open and pass straight through.
#include <dlfcn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "access_api.h"
#include "guard.h"
#include "guard_internal.h"

#define RMACHECK_GUARD_API extern "C" __attribute__((visibility("default")))
#define RMACHECK_REAL(name) static auto real = reinterpret_cast<decltype(&name)>(dlsym(RTLD_NEXT, #name))

using namespace rmacheck::guard;

namespace {
// Opens the pages for the call if [p, p + n) lies on guarded memory (recording the access), else nothing.
class KernelAccess {
 public:
  KernelAccess(const void* p, size_t n, uint32_t kind, void* pc) {
    if (n && touches_guarded(reinterpret_cast<uintptr_t>(p), n)) {
      record_call_access(reinterpret_cast<uintptr_t>(p), n, kind, reinterpret_cast<uintptr_t>(pc));
      enter_mpi();
      open_ = true;
    }
  }
  ~KernelAccess() {
    if (open_) leave_mpi();
  }

 private:
  bool open_ = false;
};
constexpr uint32_t R = RMACHECK_ACCESS_READ, W = RMACHECK_ACCESS_WRITE;
#define RMACHECK_PC __builtin_return_address(0)
}  // namespace

RMACHECK_GUARD_API ssize_t read(int fd, void* p, size_t n) {
  RMACHECK_REAL(read);
  KernelAccess k(p, n, W, RMACHECK_PC);
  return real(fd, p, n);
}
RMACHECK_GUARD_API ssize_t write(int fd, const void* p, size_t n) {
  RMACHECK_REAL(write);
  KernelAccess k(p, n, R, RMACHECK_PC);
  return real(fd, p, n);
}
RMACHECK_GUARD_API ssize_t pread(int fd, void* p, size_t n, off_t off) {
  RMACHECK_REAL(pread);
  KernelAccess k(p, n, W, RMACHECK_PC);
  return real(fd, p, n, off);
}
RMACHECK_GUARD_API ssize_t pwrite(int fd, const void* p, size_t n, off_t off) {
  RMACHECK_REAL(pwrite);
  KernelAccess k(p, n, R, RMACHECK_PC);
  return real(fd, p, n, off);
}
RMACHECK_GUARD_API ssize_t recv(int fd, void* p, size_t n, int flags) {
  RMACHECK_REAL(recv);
  KernelAccess k(p, n, W, RMACHECK_PC);
  return real(fd, p, n, flags);
}
RMACHECK_GUARD_API ssize_t send(int fd, const void* p, size_t n, int flags) {
  RMACHECK_REAL(send);
  KernelAccess k(p, n, R, RMACHECK_PC);
  return real(fd, p, n, flags);
}
RMACHECK_GUARD_API size_t fread(void* p, size_t size, size_t n, FILE* f) {
  RMACHECK_REAL(fread);
  KernelAccess k(p, size * n, W, RMACHECK_PC);
  return real(p, size, n, f);
}
RMACHECK_GUARD_API size_t fwrite(const void* p, size_t size, size_t n, FILE* f) {
  RMACHECK_REAL(fwrite);
  KernelAccess k(p, size * n, R, RMACHECK_PC);
  return real(p, size, n, f);
}
