// Which bytes a faulting instruction touches, read or written: decoded from
// its encoding (Zydis, no allocation, usable in a signal handler) and the
// registers of the interrupted context. The fault address alone says where
// the first protected byte was, not how wide the access is nor whether a
// store also read (x86 read-modify-write instructions fault as writes).
#pragma once

#include <ucontext.h>

#include <cstddef>
#include <cstdint>

namespace rmacheck::guard {

struct DecodedAccess {
  uintptr_t lo, hi;
  bool read, write;
};

void decoder_init();
// The memory operands of the instruction at the context's pc (explicit, and implicit ones such as
// movs's; not the stack traffic of push, pop, call and ret).
// Returns 0 when the instruction cannot be decoded.
size_t decode_accesses(const ucontext_t* uc, DecodedAccess* out, size_t max);

}  // namespace rmacheck::guard
