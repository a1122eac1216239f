// librmacheck_access_fast.a: the per-access entry points, hidden, for
// `rmacheck mpicc` to link into each program and library it links
// (access_entries.h says why). __tsan_init stays in librmacheck_access.so
// only: the reference to it that every instrumented module keeps is how the
// runtime finds which modules were instrumented.
#include "access_entries.h"

RMACHECK_ACCESS_ENTRIES(hidden)

// A load-time reference to the layout's symbol (thread_state.h): a runtime of another layout does not load.
namespace {
__attribute__((used)) const int* const layout_check = &rmacheck::access::RMACHECK_ACCESS_LAYOUT;
}  // namespace
