#include "instruction_decode.h"

#include <Zydis/Zydis.h>
#include <signal.h>

namespace rmacheck::guard {

namespace {

ZydisDecoder g_decoder;
bool g_ready = false;

// A 64-bit general register's value in the interrupted context (0 and false if it is not one).
bool gpr(const ucontext_t* uc, ZydisRegister r, uint64_t& v) {
  const ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
  const greg_t* g = uc->uc_mcontext.gregs;
  int i = -1;
  switch (big) {
    case ZYDIS_REGISTER_RAX:
      i = REG_RAX;
      break;
    case ZYDIS_REGISTER_RBX:
      i = REG_RBX;
      break;
    case ZYDIS_REGISTER_RCX:
      i = REG_RCX;
      break;
    case ZYDIS_REGISTER_RDX:
      i = REG_RDX;
      break;
    case ZYDIS_REGISTER_RSI:
      i = REG_RSI;
      break;
    case ZYDIS_REGISTER_RDI:
      i = REG_RDI;
      break;
    case ZYDIS_REGISTER_RBP:
      i = REG_RBP;
      break;
    case ZYDIS_REGISTER_RSP:
      i = REG_RSP;
      break;
    case ZYDIS_REGISTER_R8:
      i = REG_R8;
      break;
    case ZYDIS_REGISTER_R9:
      i = REG_R9;
      break;
    case ZYDIS_REGISTER_R10:
      i = REG_R10;
      break;
    case ZYDIS_REGISTER_R11:
      i = REG_R11;
      break;
    case ZYDIS_REGISTER_R12:
      i = REG_R12;
      break;
    case ZYDIS_REGISTER_R13:
      i = REG_R13;
      break;
    case ZYDIS_REGISTER_R14:
      i = REG_R14;
      break;
    case ZYDIS_REGISTER_R15:
      i = REG_R15;
      break;
    default:
      return false;
  }
  v = static_cast<uint64_t>(g[i]);
  if (ZydisRegisterGetWidth(ZYDIS_MACHINE_MODE_LONG_64, r) == 32) v &= 0xffffffffull;
  return true;
}

}  // namespace

void decoder_init() {
  g_ready = ZYAN_SUCCESS(ZydisDecoderInit(&g_decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64));
}

size_t decode_accesses(const ucontext_t* uc, DecodedAccess* out, size_t max) {
  if (!g_ready) return 0;
  const uintptr_t rip = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  // The bytes after the instruction may be unmapped: try the rest of its page first.
  const size_t to_page_end = 4096 - (rip & 4095);
  ZyanStatus st = ZydisDecoderDecodeFull(
      &g_decoder, reinterpret_cast<const void*>(rip),
      to_page_end < ZYDIS_MAX_INSTRUCTION_LENGTH ? to_page_end : ZYDIS_MAX_INSTRUCTION_LENGTH, &insn, ops);
  if (st == ZYDIS_STATUS_NO_MORE_DATA)  // it crosses into the next page, which is then mapped
    st = ZydisDecoderDecodeFull(&g_decoder, reinterpret_cast<const void*>(rip), ZYDIS_MAX_INSTRUCTION_LENGTH, &insn,
                                ops);
  if (!ZYAN_SUCCESS(st)) return 0;
  size_t n = 0;
  for (uint8_t i = 0; i < insn.operand_count && n < max; ++i) {
    const ZydisDecodedOperand& op = ops[i];
    if (op.type != ZYDIS_OPERAND_TYPE_MEMORY || op.mem.type != ZYDIS_MEMOP_TYPE_MEM) continue;  // lea, bound, vsib
    // push, pop, call, ret: the stack's own traffic (a return address stored over a dead frame's
    // buffer), never a load or store of the program's source.
    if (op.visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
        (op.mem.base == ZYDIS_REGISTER_RSP || op.mem.base == ZYDIS_REGISTER_ESP))
      continue;
    if (op.mem.segment == ZYDIS_REGISTER_FS || op.mem.segment == ZYDIS_REGISTER_GS) continue;  // thread-local data
    uint64_t base = 0, index = 0;
    if (op.mem.base == ZYDIS_REGISTER_RIP || op.mem.base == ZYDIS_REGISTER_EIP)
      base = rip + insn.length;
    else if (op.mem.base != ZYDIS_REGISTER_NONE && !gpr(uc, op.mem.base, base))
      continue;
    if (op.mem.index != ZYDIS_REGISTER_NONE && !gpr(uc, op.mem.index, index)) continue;
    uint64_t ea = base + index * op.mem.scale + static_cast<uint64_t>(op.mem.disp.value);
    if (insn.address_width == 32) ea &= 0xffffffffull;
    const uint64_t bytes = op.size ? (op.size + 7u) / 8u : 1u;
    const bool read = (op.actions & ZYDIS_OPERAND_ACTION_MASK_READ) != 0;
    const bool write = (op.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) != 0;
    if (!read && !write) continue;
    out[n++] = {static_cast<uintptr_t>(ea), static_cast<uintptr_t>(ea + bytes), read, write};
  }
  return n;
}

}  // namespace rmacheck::guard
