// Where in the user's program an MPI call was made.
//
// C, C++ and Fortran: the wrapper's return address, and a short backtrace
// when that address lies inside MPI's own libraries (C++/Fortran bindings),
// symbolized offline against the module map logged here. Python (mpi4py):
// the innermost Python frame outside mpi4py, read through the CPython API of
// the running interpreter, found with dlsym so nothing links against Python.
#pragma once

#include <cstdint>

#include "guard/guard.h"
#include "record_buffer.h"

namespace rmacheck {

// After the log is open: classify loaded modules, find the Python API, log the module map.
void callsite_init();
// Adds the pcs / py_file / py_line / py_func fields for a call whose wrapper returns to ret_addr.
// Returns whether they are ret_addr alone, in a module of the program's (what a call from the same
// place logs again while arguments_epoch() stays: no Python frames, no stack).
bool record_callsite(RecordBuffer& rec, void* ret_addr);
// Logs s once (a STRING record) and returns its id; thread safe.
int64_t intern_string(const char* s);
// A guarded-page access's Python frames (innermost first, read raw in the fault handler): the
// py_file / py_line / py_func of the innermost one that is the program's (not mpi4py, numpy or the
// standard library). Releases the code objects' references if `owned`. Takes the GIL.
void record_python_frames(RecordBuffer& rec, const guard::PyFrameRef* frames, uint32_t n, bool owned);
// Inside a signal handler (the stop note): the innermost program frame among raw Python frames,
// named only from code objects a call site already named (no Python API call that may allocate
// or wait; the cache only if its lock is free). False when none could be named.
bool record_python_frames_in_handler(RecordBuffer& rec, const guard::PyFrameRef* frames, uint32_t n);
// Is pc inside MPI, Python, the C library or rmacheck (system_modules.h)? Unknown modules are not.
bool pc_in_system_module(uintptr_t pc);
// Is pc inside the dynamic loader (lazy binding saves registers on the stack)? Async-signal-safe.
bool pc_in_loader(uintptr_t pc);

}  // namespace rmacheck
