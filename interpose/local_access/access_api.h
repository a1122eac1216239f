// The registration interface between the interposer (librmacheck.so, which
// knows about MPI) and the access runtime (librmacheck_access.so, linked
// into programs built with `rmacheck mpicc`, which knows nothing of MPI).
//
// The interposer finds the runtime with dlsym(RTLD_DEFAULT,
// "rmacheck_access_api"); a program that was not instrumented has no such
// symbol and is checked for its MPI calls only. The runtime tells nothing
// unless it is asked: it logs accesses only to memory it was told to watch,
// and hands what it logged to the sink the interposer set. C types only:
// the two libraries may be built by different compilers.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { RMACHECK_ACCESS_API_VERSION = 1 };
enum { RMACHECK_ACCESS_READ = 0, RMACHECK_ACCESS_WRITE = 1 };

// One byte range a thread accessed in one interval between two of its MPI
// calls: the first access's program counter and stack (innermost first,
// return addresses of instrumented frames), and how many accesses it stands for.
typedef struct {
  uint64_t lo, hi;  // [lo, hi) in this process's address space
  uint32_t kind;    // RMACHECK_ACCESS_READ or _WRITE
  uint32_t count;
  const uint64_t* pcs;
  uint32_t npcs;
} RmacheckLocalRecord;

// Called on the thread that made the accesses, with records of one interval in the order they were made.
typedef void (*RmacheckLocalSink)(const RmacheckLocalRecord* records, size_t n);

typedef struct {
  uint32_t version;
  void (*set_sink)(RmacheckLocalSink sink);  // NULL: stop logging
  // Watched memory is a multiset of ranges: each watch needs its own unwatch.
  void (*watch)(uint64_t lo, uint64_t hi);
  void (*unwatch)(uint64_t lo, uint64_t hi);
  // Ends the calling thread's interval: its records go to the sink, the next access starts a new interval.
  void (*flush)(void);
  // Paths of the modules whose code was compiled with the instrumentation (their __tsan_init ran).
  size_t (*instrumented_modules)(const char** paths, size_t capacity);
} RmacheckAccessApi;

// Exported by librmacheck_access.so.
const RmacheckAccessApi* rmacheck_access_api(void);

// Atomics as thread synchronization (C11/C++ atomics, __atomic builtins in
// instrumented code): the runtime tells the sink of every atomic operation
// whose memory order releases (before the operation) or acquires (after it);
// relaxed operations are not told. `pending`: the calling thread has
// load/store records not yet handed over. A separate symbol, found with
// dlsym(RTLD_DEFAULT, "rmacheck_access_set_sync_sink"): API version 1 stays
// as it is, and a runtime without it simply tells nothing.
enum { RMACHECK_SYNC_RELEASE = 0, RMACHECK_SYNC_ACQUIRE = 1 };
typedef void (*RmacheckSyncSink)(uint32_t what, const void* object, int pending);
void rmacheck_access_set_sync_sink(RmacheckSyncSink sink);  // NULL: tell nothing

#ifdef __cplusplus
}
#endif
