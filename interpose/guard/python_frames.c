#include "python_frames.h"

#include <dlfcn.h>
#include <stddef.h>

#ifdef RMACHECK_GUARD_PYTHON
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_frame.h>

static PyThreadState* (*g_this_thread_state)(void);
static int (*g_gil_check)(void);
static int g_ok;

int rmacheck_py_frames_init(void) {
  const unsigned long* version = (const unsigned long*)dlsym(RTLD_DEFAULT, "Py_Version");
  g_this_thread_state = (PyThreadState * (*)(void)) dlsym(RTLD_DEFAULT, "PyGILState_GetThisThreadState");
  g_gil_check = (int (*)(void))dlsym(RTLD_DEFAULT, "PyGILState_Check");
  // The frame layout is private to one minor version.
  g_ok = version && g_this_thread_state && g_gil_check && (*version >> 16) == (PY_VERSION_HEX >> 16);
  return g_ok;
}

const char* rmacheck_py_frames_version(void) {
  return PY_MAJOR_VERSION == 3 ? "3." Py_STRINGIFY(PY_MINOR_VERSION) : "";
}

int rmacheck_py_frames_capture(RmacheckRawPyFrame* out, int max, int* gil) {
  *gil = 0;
  if (!g_ok) return 0;
  PyThreadState* ts = g_this_thread_state();  // a thread-specific value: no lock, no allocation
  if (!ts || !ts->cframe) return 0;
  const int hold = g_gil_check();
  int n = 0;
  for (_PyInterpreterFrame* f = ts->cframe->current_frame; f && n < max; f = f->previous) {
    PyCodeObject* code = f->f_code;
    if (!code || !f->prev_instr || f->prev_instr < _PyCode_CODE(code)) continue;  // a frame still being set up
    out[n].code = code;
    out[n].lasti = (int)(f->prev_instr - _PyCode_CODE(code));
    ++n;
  }
  *gil = hold;
  return n;
}

void rmacheck_py_frames_hold(const RmacheckRawPyFrame* frames, int n) {
  for (int i = 0; i < n; ++i) Py_INCREF((PyObject*)frames[i].code);  // a plain increment: no call, no lock
}
#else
int rmacheck_py_frames_init(void) { return 0; }
const char* rmacheck_py_frames_version(void) { return ""; }
int rmacheck_py_frames_capture(RmacheckRawPyFrame* out, int max, int* gil) {
  (void)out, (void)max;
  *gil = 0;
  return 0;
}
void rmacheck_py_frames_hold(const RmacheckRawPyFrame* frames, int n) { (void)frames, (void)n; }
#endif
