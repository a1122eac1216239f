/* Shared-library fixture for symbolizer_test.cpp. It is built twice:
 *   libsymbolizer_fixture.so          -g -O0, linked at a non-zero base
 *                                     (-Wl,-Ttext-segment=0x10000000) so that
 *                                     load bias and first PT_LOAD address
 *                                     differ, as in a prelinked library;
 *   libsymbolizer_fixture_nodebug.so  -g0 -O0
 *                                     -DSYMBOLIZER_FIXTURE_SUFFIX=_nodebug,
 *                                     the module without debug info.
 * The suffix keeps the exported names of the two copies distinct. */
#include <stdint.h>

#ifndef SYMBOLIZER_FIXTURE_SUFFIX
#define SYMBOLIZER_FIXTURE_SUFFIX
#endif
#define FIXTURE_CAT2(a, b) a##b
#define FIXTURE_CAT(a, b) FIXTURE_CAT2(a, b)
#define FIXTURE_NAME(name) FIXTURE_CAT(name, SYMBOLIZER_FIXTURE_SUFFIX)

/* Returns the address its caller will return to, i.e. what the interposer
 * records for an MPI call made at the call site. */
__attribute__((noinline)) static uintptr_t return_address(void) {
  return (uintptr_t)__builtin_return_address(0);
}

/* Stores the line of its call to return_address() in *line and returns the
 * recorded address. The empty asm after the call keeps the call from becoming
 * a tail jump, which would record our caller's address instead. */
__attribute__((noinline)) uintptr_t FIXTURE_NAME(symbolizer_fixture_record)(int *line) {
  *line = __LINE__; uintptr_t pc = return_address();  /* the recorded line */
  __asm__ volatile("" ::: "memory");
  return pc;
}
