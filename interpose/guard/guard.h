// Guarded pages: the program's own loads and stores of watched memory seen
// without recompiling it (mpi4py/numpy, plain binaries). `rmacheck run
// --guard-memory` / RMACHECK_GUARD=1.
//
// The interposer (local_watch.cpp) says which memory is watched and which of
// the program's accesses to it could conflict (writes only: a Put's origin
// buffer, an active send; reads and writes: window memory, a Get's result,
// an active receive). Whenever no thread of this process is inside an MPI
// call, the pages holding watched bytes are protected (PROT_NONE or
// PROT_READ); a SIGSEGV handler (fault_handler.cpp) records an access that
// touches watched bytes (address and size decoded from the instruction,
// read or write, pc, the Python frames), lets it complete with the page
// open for one instruction (trap flag) and protects the page again. Inside
// MPI calls every guarded page is open: MPI's own copies (and the kernel's,
// for read(2)/write(2)) never meet a protected page.
//
// Cost is bounded per page and interval (between two MPI calls): after
// `budget` faults of one kind the page stays open for that kind until the
// next call, and the watched bytes of the page are recorded as accessed
// (the record says it was widened).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rmacheck::guard {

// Which of the program's accesses to a watched range may conflict.
enum Kinds : uint8_t { kGuardWrites = 1, kGuardReads = 2 };

constexpr uint32_t kRecordFrames = 8;  // pcs per record: the access, then callers (C code in a library)
constexpr uint32_t kPyFrames = 32;     // raw Python frames per record, innermost first (numpy's arrayprint is deep)

struct PyFrameRef {
  void* code;  // PyCodeObject*, a reference taken if the thread held the GIL (owned)
  int lasti;   // instruction index in the code object
};

struct Record {
  uint64_t lo, hi;
  uint32_t kind;     // RMACHECK_ACCESS_READ / _WRITE
  uint32_t count;    // accesses merged into this record
  uint32_t widened;  // 0: exact; else the page was left open after this many faults
  uint32_t npcs, npy;
  bool py_owned;
  uint64_t pcs[kRecordFrames];
  PyFrameRef py[kPyFrames];
};
using Sink = void (*)(const Record* records, size_t n);

// RMACHECK_GUARD is set (read from the environment: usable before MPI_Init).
bool requested();
// Before PMPI_Init: set the Open MPI parameters guard mode needs unless the user set them.
void prepare_mpi_settings();
// A key=value line for the log's guard record (settings changed before MPI_Init).
void note_setting(const std::string& line);
// After PMPI_Init: handlers installed; `settings` gets the key=value lines the log keeps. False: not usable.
bool install(std::string& settings);
bool enabled();
// At Finalize: pages open for good, handlers left to chain only. `summary` gets key=value lines.
void stop(std::string& summary);

// The watched memory: a multiset of (range, kinds); each watch needs its own unwatch.
void watch(uintptr_t lo, uintptr_t hi, uint8_t kinds);
void unwatch(uintptr_t lo, uintptr_t hi, uint8_t kinds);

// Wrapper entry and exit: the first thread into MPI opens every guarded page, the last one out protects them.
void enter_mpi();
void leave_mpi();

// The calling thread's records since its last flush, handed to sink (then released).
void flush(Sink sink);

// Threads the MPI library starts (progress, events) touch memory for MPI: never the program's access.
// pthread_create (thread_sync.cpp) asks whether the caller is MPI's code, and marks such a thread at its start.
bool is_mpi_code(void* return_address);
void mark_mpi_thread();

// The calling thread is running the SIGSEGV handler of guarded pages (rmacheck's own code).
bool in_fault_handler();

}  // namespace rmacheck::guard
