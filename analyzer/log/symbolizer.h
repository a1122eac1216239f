// Offline symbolization of return addresses recorded by the interposer.
//
// The interposer records raw program counters plus the process's module map
// (as dl_iterate_phdr saw it); the analyzer runs later, in another process,
// so addresses are resolved against the files on disk with elfutils libdwfl
// rather than against the analyzer's own address space.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

// libdwfl's opaque handles, declared here so users of this header do not need
// the elfutils headers.
struct Dwfl;
struct Dwfl_Module;

namespace rmacheck {

// One loaded object of the recorded process, as dl_iterate_phdr saw it.
struct ModuleMapping {
  std::string path;        // absolute path of the file (the main program's is
                           // resolved from /proc/self/exe at record time);
                           // "" or a non-absolute name such as the vDSO's is
                           // never opened
  uint64_t load_bias = 0;  // dlpi_addr (0 for a non-PIE executable)
  uint64_t start = 0;      // lowest runtime address of its PT_LOAD segments
  uint64_t end = 0;        // one past the highest one: [start, end)
};

struct SourceLocation {
  std::string file;      // absolute when DWARF allows; "" without line info
  int line = 0;          // 0 without line info
  std::string function;  // demangled; "" when neither DWARF nor symbols know
  std::string module;    // path of the containing module; "" if none
};

// Resolves the return addresses of one recorded process. Not thread-safe.
class Symbolizer {
 public:
  explicit Symbolizer(std::vector<ModuleMapping> modules);
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // pc is a return address as recorded (the address after the call), so the
  // call instruction itself, pc-1, is what gets resolved. Bad input (address
  // in no module, missing or non-ELF file, no debug info) yields a partial or
  // empty location, never an exception. Results are cached per pc.
  SourceLocation lookup(uint64_t pc);

  // The module whose [start, end) contains addr, or nullptr.
  const ModuleMapping* module_of(uint64_t addr) const;

  // How many modules have been opened (or tried) so far: modules are only
  // opened when an address in them is first looked up.
  std::size_t opened_module_count() const;

 private:
  // Index into modules_ of the module containing addr, or npos.
  std::size_t index_of(uint64_t addr) const;
  // Opens modules_[index] with libdwfl on first use; nullptr if it can't.
  Dwfl_Module* dwfl_module(std::size_t index);
  SourceLocation resolve(uint64_t pc);

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::vector<ModuleMapping> modules_;  // sorted by start
  // Parallel to modules_: whether opening was attempted, and its result.
  std::vector<bool> attempted_;
  std::vector<Dwfl_Module*> dwfl_modules_;
  Dwfl* dwfl_ = nullptr;  // null if libdwfl could not be initialised
  std::unordered_map<uint64_t, SourceLocation> cache_;
};

}  // namespace rmacheck
