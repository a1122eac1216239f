// Symbolizes real return addresses of this process: the test binary (PIE, so
// with a non-zero load bias), the symbolizer_fixture libraries (one with
// DWARF at a non-zero link base, one without debug info) and libc. Lines are
// only exact when this file is compiled with -g -O0.
#include "log/symbolizer.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <link.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

extern "C" uintptr_t symbolizer_fixture_record(int* line);
extern "C" uintptr_t symbolizer_fixture_record_nodebug(int* line);

namespace rmacheck_test {

__attribute__((noinline)) uintptr_t return_address() {
  return reinterpret_cast<uintptr_t>(__builtin_return_address(0));
}

// The asm after each recording call stops it from becoming a tail jump, which
// would record the caller's address instead (matters only when optimizing).
struct Widget {
  __attribute__((noinline)) uintptr_t record(int* line) {
    // The line number and the call must share a line.
    // clang-format off
    *line = __LINE__; uintptr_t pc = return_address();  // the recorded line
    // clang-format on
    asm volatile("" ::: "memory");
    return pc;
  }
};

inline __attribute__((always_inline)) uintptr_t inlined_record(int* line) {
  // The line number and the call must share a line.
  // clang-format off
  *line = __LINE__; uintptr_t pc = return_address();  // the recorded line
  // clang-format on
  asm volatile("" ::: "memory");
  return pc;
}

__attribute__((noinline)) uintptr_t calls_inlined_record(int* line) {
  uintptr_t pc = inlined_record(line);
  asm volatile("" ::: "memory");
  return pc;
}

}  // namespace rmacheck_test

namespace {

using rmacheck::ModuleMapping;
using rmacheck::SourceLocation;
using rmacheck::Symbolizer;

std::string self_exe() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// The module map as the interposer records it.
std::vector<ModuleMapping> current_modules() {
  std::vector<ModuleMapping> modules;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        ModuleMapping m;
        m.path = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : self_exe();
        m.load_bias = info->dlpi_addr;
        m.start = UINT64_MAX;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          const uint64_t lo = info->dlpi_addr + ph.p_vaddr;
          m.start = std::min(m.start, lo);
          m.end = std::max(m.end, lo + ph.p_memsz);
        }
        if (m.start < m.end) static_cast<std::vector<ModuleMapping>*>(data)->push_back(m);
        return 0;
      },
      &modules);
  return modules;
}

std::string basename_of(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

std::string module_path_of(const void* addr) {
  Dl_info info{};
  EXPECT_NE(dladdr(addr, &info), 0);
  return info.dli_fname ? info.dli_fname : "";
}

TEST(SymbolizerTest, MainProgramLineAndQualifiedFunction) {
  int line = 0;
  const uintptr_t pc = rmacheck_test::Widget().record(&line);
  Symbolizer symbolizer(current_modules());
  const SourceLocation loc = symbolizer.lookup(pc);
  EXPECT_EQ(basename_of(loc.file), "symbolizer_test.cpp");
  EXPECT_EQ(loc.file.front(), '/') << loc.file;
  EXPECT_EQ(loc.line, line);
  EXPECT_EQ(loc.function, "rmacheck_test::Widget::record(int*)");
  EXPECT_EQ(loc.module, self_exe());
}

TEST(SymbolizerTest, InlinedCodeReportsInnermostLineAndInlineFunction) {
  int line = 0;
  const uintptr_t pc = rmacheck_test::calls_inlined_record(&line);
  Symbolizer symbolizer(current_modules());
  const SourceLocation loc = symbolizer.lookup(pc);
  EXPECT_EQ(basename_of(loc.file), "symbolizer_test.cpp");
  EXPECT_EQ(loc.line, line);
  EXPECT_EQ(loc.function, "rmacheck_test::inlined_record(int*)");
}

TEST(SymbolizerTest, SharedLibraryLinkedAtNonZeroBase) {
  int line = 0;
  const uintptr_t pc = symbolizer_fixture_record(&line);
  Symbolizer symbolizer(current_modules());
  const SourceLocation loc = symbolizer.lookup(pc);
  EXPECT_EQ(basename_of(loc.file), "symbolizer_fixture.c");
  EXPECT_EQ(loc.line, line);
  EXPECT_EQ(loc.function, "symbolizer_fixture_record");
  EXPECT_EQ(basename_of(loc.module), "libsymbolizer_fixture.so");
}

TEST(SymbolizerTest, ModuleWithoutDebugInfoGivesSymbolOnly) {
  int line = 0;
  const uintptr_t pc = symbolizer_fixture_record_nodebug(&line);
  Symbolizer symbolizer(current_modules());
  const SourceLocation loc = symbolizer.lookup(pc);
  EXPECT_EQ(loc.file, "");
  EXPECT_EQ(loc.line, 0);
  EXPECT_EQ(loc.function, "symbolizer_fixture_record_nodebug");
  EXPECT_EQ(loc.module, module_path_of(reinterpret_cast<void*>(pc)));
  EXPECT_EQ(basename_of(loc.module), "libsymbolizer_fixture_nodebug.so");
}

TEST(SymbolizerTest, LibcFunction) {
  // dlsym on libc's own handle gives getpid's real address; &getpid could be
  // a PLT stub in the executable when it is not PIE.
  void* libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
  ASSERT_NE(libc, nullptr);
  void* getpid_addr = dlsym(libc, "getpid");
  dlclose(libc);
  ASSERT_NE(getpid_addr, nullptr);
  // lookup() resolves pc-1; +1 makes that the function's first byte.
  const uintptr_t pc = reinterpret_cast<uintptr_t>(getpid_addr) + 1;
  Symbolizer symbolizer(current_modules());
  const SourceLocation loc = symbolizer.lookup(pc);
  EXPECT_EQ(loc.module, module_path_of(getpid_addr));
  EXPECT_NE(loc.function.find("getpid"), std::string::npos) << loc.function;
  // Lines exist only where libc's separate debug info (libc6-dbg) is
  // installed; either way file and line come together.
  EXPECT_EQ(loc.file.empty(), loc.line == 0) << loc.file << ":" << loc.line;
}

TEST(SymbolizerTest, AddressInNoModuleIsEmpty) {
  Symbolizer symbolizer(current_modules());
  for (uint64_t pc : {uint64_t{0}, uint64_t{1}, uint64_t{0x1000}, UINT64_MAX}) {
    const SourceLocation loc = symbolizer.lookup(pc);
    EXPECT_EQ(loc.module, "") << pc;
    EXPECT_EQ(loc.file, "") << pc;
    EXPECT_EQ(loc.line, 0) << pc;
    EXPECT_EQ(loc.function, "") << pc;
    EXPECT_EQ(symbolizer.module_of(pc), nullptr) << pc;
  }
  EXPECT_EQ(symbolizer.opened_module_count(), 0u);
}

TEST(SymbolizerTest, UnreadableModulesGiveModuleOnly) {
  Symbolizer symbolizer({{"/nonexistent/libgone.so", 0x10000000, 0x10000000, 0x10010000},
                         {"/dev/null", 0x20000000, 0x20000000, 0x20010000},
                         {"linux-vdso.so.1", 0x30000000, 0x30000000, 0x30002000},
                         {"", 0x40000000, 0x40000000, 0x40001000}});
  for (uint64_t base : {0x10000000u, 0x20000000u, 0x30000000u, 0x40000000u}) {
    const ModuleMapping* m = symbolizer.module_of(base + 0x100);
    ASSERT_NE(m, nullptr);
    for (int attempt = 0; attempt < 2; ++attempt) {
      const SourceLocation loc = symbolizer.lookup(base + 0x100);
      EXPECT_EQ(loc.module, m->path);
      EXPECT_EQ(loc.file, "");
      EXPECT_EQ(loc.line, 0);
      EXPECT_EQ(loc.function, "");
    }
  }
}

TEST(SymbolizerTest, ModuleRangesAreHalfOpen) {
  Symbolizer symbolizer({{"/b.so", 0x2000, 0x2000, 0x3000}, {"/a.so", 0x1000, 0x1000, 0x2000}});
  EXPECT_EQ(symbolizer.module_of(0xfff), nullptr);
  ASSERT_NE(symbolizer.module_of(0x1000), nullptr);
  EXPECT_EQ(symbolizer.module_of(0x1000)->path, "/a.so");
  EXPECT_EQ(symbolizer.module_of(0x1fff)->path, "/a.so");
  EXPECT_EQ(symbolizer.module_of(0x2000)->path, "/b.so");
  EXPECT_EQ(symbolizer.module_of(0x3000), nullptr);
  // A return address just past a module's end still belongs to it: its call
  // instruction, at pc-1, does.
  EXPECT_EQ(symbolizer.lookup(0x3000).module, "/b.so");
}

TEST(SymbolizerTest, ModulesOpenLazilyAndResultsAreCached) {
  const std::vector<ModuleMapping> modules = current_modules();
  ASSERT_GT(modules.size(), 3u);
  Symbolizer symbolizer(modules);
  EXPECT_EQ(symbolizer.opened_module_count(), 0u);

  int line = 0;
  const uintptr_t pc = rmacheck_test::Widget().record(&line);
  const SourceLocation first = symbolizer.lookup(pc);
  EXPECT_EQ(symbolizer.opened_module_count(), 1u);
  const SourceLocation second = symbolizer.lookup(pc);
  EXPECT_EQ(symbolizer.opened_module_count(), 1u);
  EXPECT_EQ(second.file, first.file);
  EXPECT_EQ(second.line, first.line);
  EXPECT_EQ(second.function, first.function);
  EXPECT_EQ(second.module, first.module);
  EXPECT_EQ(first.line, line);

  // A second module is opened next to the first, which keeps working.
  const uintptr_t lib_pc = symbolizer_fixture_record(&line);
  EXPECT_EQ(symbolizer.lookup(lib_pc).line, line);
  EXPECT_EQ(symbolizer.opened_module_count(), 2u);
  EXPECT_EQ(symbolizer.lookup(pc + 1).function, first.function);
}

}  // namespace
