// The Python frames of the thread that faulted, read raw inside the fault
// handler: no Python API call that may allocate, take a lock or run the
// garbage collector (a fault can come from anywhere in numpy's C loops, and
// even inside malloc). Only the interpreter's own frame structures are
// followed, as faulthandler does; the code objects and instruction offsets
// found are turned into file:line later, at the thread's next MPI call,
// with the GIL (callsite.cpp). Built against the headers of the Python
// found at build time and used only if the running interpreter is that
// version; otherwise accesses carry their pc only.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  void* code;
  int lasti;
} RmacheckRawPyFrame;

// At install: finds the interpreter (dlsym), checks its version. 1 if frames can be read.
int rmacheck_py_frames_init(void);
// "3.11" or "" (what the reader was built for).
const char* rmacheck_py_frames_version(void);
// Innermost first, at most max. *gil: the thread holds the GIL (rmacheck_py_frames_hold may be used).
int rmacheck_py_frames_capture(RmacheckRawPyFrame* out, int max, int* gil);
// Takes a reference to each frame's code object (only with the GIL held); released by the reader.
void rmacheck_py_frames_hold(const RmacheckRawPyFrame* frames, int n);

#ifdef __cplusplus
}
#endif
