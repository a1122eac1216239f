// Where in the user's program an MPI call was made.
//
// C, C++ and Fortran: the wrapper's return address, and a short backtrace
// when that address lies inside MPI's own libraries (C++/Fortran bindings),
// symbolized offline against the module map logged here. Python (mpi4py):
// the innermost Python frame outside mpi4py, read through the CPython API of
// the running interpreter, found with dlsym so nothing links against Python.
#pragma once

#include <cstdint>

#include "record_buffer.h"

namespace rmacheck {

// After the log is open: classify loaded modules, find the Python API, log the module map.
void callsite_init();
// Adds the pcs / py_file / py_line / py_func fields for a call whose wrapper returns to ret_addr.
void record_callsite(RecordBuffer& rec, void* ret_addr);
// Logs s once (a STRING record) and returns its id; thread safe.
int64_t intern_string(const char* s);
// Is pc inside MPI, Python, the C library or rmacheck (system_modules.h)? Unknown modules are not.
bool pc_in_system_module(uintptr_t pc);

}  // namespace rmacheck
