// What the guard's own files share beyond guard.h (fault_handler.cpp defines these).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rmacheck::guard {

// Does [p, p + n) overlap a guarded page while the pages are protected (no thread inside MPI)?
bool touches_guarded(uintptr_t p, size_t n);
// The program's access through a C library call (the kernel's copy): recorded like a fault's.
void record_call_access(uintptr_t p, size_t n, uint32_t kind, uintptr_t pc);

}  // namespace rmacheck::guard
