#include "log/symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace rmacheck {
namespace {

// Offline session: modules are placed at the addresses we report, nothing is
// read from a live process. Separate debug info is looked up the standard way
// (.gnu_debuglink, /usr/lib/debug/.build-id), so distribution -dbg packages
// are used when installed; with DEBUGINFOD_URLS set, libdwfl also asks those
// debuginfod servers. dwfl_begin keeps a pointer to this, hence static.
char* g_debuginfo_path = nullptr;  // null: libdwfl's default search path
const Dwfl_Callbacks kOfflineCallbacks = {
    dwfl_build_id_find_elf,
    dwfl_standard_find_debuginfo,
    dwfl_offline_section_address,
    &g_debuginfo_path,
};

bool is_mangled(const char* name) { return name[0] == '_' && name[1] == 'Z'; }

std::string demangle(const char* name) {
  // Only mangled names go through the demangler: it also accepts type
  // encodings, so a C function named "i" would otherwise come back as "int".
  if (!is_mangled(name)) return name;
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status), &std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

// The demangled linkage name of a subprogram or inlined-subroutine DIE, which
// unlike DW_AT_name carries namespace, class and parameters; "" if it has
// none (C code). dwarf_attr_integrate follows DW_AT_abstract_origin and
// DW_AT_specification, where inlined instances, clones and out-of-class
// member definitions keep their names.
std::string die_linkage_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    if (dwarf_attr_integrate(die, at, &attr) != nullptr) {
      if (const char* linkage = dwarf_formstring(&attr)) return demangle(linkage);
    }
  }
  return "";
}

// The function the user sees at addr. DWARF's innermost function scope comes
// first: for inlined code it is the inlined function, matching the line the
// line table reports; for compiler clones and split-off cold parts it is the
// source function, where the symbol would be "f.isra.0" or "f.cold". The
// symbol table covers code without DWARF, and C++ functions whose DWARF has
// no linkage name (its mangled symbol is then the qualified name).
std::string function_name(Dwfl_Module* mod, Dwarf_Addr addr) {
  Dwarf_Die function;
  int tag = 0;
  Dwarf_Addr bias = 0;
  if (Dwarf_Die* cudie = dwfl_module_addrdie(mod, addr, &bias)) {
    Dwarf_Die* scopes = nullptr;
    const int n = dwarf_getscopes(cudie, addr - bias, &scopes);
    for (int i = 0; i < n && tag == 0; ++i) {  // innermost scope first
      const int t = dwarf_tag(&scopes[i]);
      if (t == DW_TAG_inlined_subroutine || t == DW_TAG_subprogram) {
        function = scopes[i];
        tag = t;
      }
    }
    std::free(scopes);
  }
  const char* symbol = dwfl_module_addrname(mod, addr);
  if (tag != 0) {
    if (std::string linkage = die_linkage_name(&function); !linkage.empty()) return linkage;
    // An inlined function's caller owns the symbol, so only a subprogram may
    // borrow the symbol's qualified name.
    if (!(tag == DW_TAG_subprogram && symbol != nullptr && is_mangled(symbol))) {
      if (const char* name = dwarf_diename(&function)) return name;
    }
  }
  return symbol != nullptr ? demangle(symbol) : "";
}

// libdw already prefixes files of the compilation directory itself with
// DW_AT_comp_dir, but may leave a file in another, relative directory
// relative to it; reports need a path that works from anywhere. A relative
// comp_dir (build made with -fdebug-prefix-map=...=.) is already part of the
// name and has no absolute form, so such names are left as they are.
std::string absolute_source_path(const char* file, const char* comp_dir) {
  std::filesystem::path path(file);
  if (path.is_relative() && comp_dir != nullptr && comp_dir[0] == '/') {
    path = std::filesystem::path(comp_dir) / path;
  }
  return path.lexically_normal().string();
}

// clang emits no .debug_aranges unless told to (-gdwarf-aranges), and libdw 0.188 finds the
// compilation unit of an address only through them: look through the units' own ranges instead.
void line_from_cu_ranges(Dwfl_Module* mod, uint64_t addr, SourceLocation& loc) {
  Dwarf_Addr bias = 0;
  for (Dwarf_Die* cu = dwfl_module_nextcu(mod, nullptr, &bias); cu != nullptr;
       cu = dwfl_module_nextcu(mod, cu, &bias)) {
    if (dwarf_haspc(cu, addr - bias) <= 0) continue;
    Dwarf_Line* line = dwarf_getsrc_die(cu, addr - bias);
    int lineno = 0;
    const char* file = line ? dwarf_linesrc(line, nullptr, nullptr) : nullptr;
    if (file != nullptr && dwarf_lineno(line, &lineno) == 0 && lineno > 0) {
      Dwarf_Attribute attr;
      const char* comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
      loc.file = absolute_source_path(file, comp_dir);
      loc.line = lineno;
    }
    return;
  }
}

}  // namespace

Symbolizer::Symbolizer(std::vector<ModuleMapping> modules)
    : modules_(std::move(modules)),
      attempted_(modules_.size(), false),
      dwfl_modules_(modules_.size(), nullptr),
      dwfl_(dwfl_begin(&kOfflineCallbacks)) {
  std::sort(modules_.begin(), modules_.end(),
            [](const ModuleMapping& a, const ModuleMapping& b) { return a.start < b.start; });
}

Symbolizer::~Symbolizer() {
  if (dwfl_ != nullptr) dwfl_end(dwfl_);
}

std::size_t Symbolizer::index_of(uint64_t addr) const {
  // The last module starting at or below addr is the only candidate, as
  // loaded objects do not overlap.
  auto it = std::upper_bound(modules_.begin(), modules_.end(), addr,
                             [](uint64_t a, const ModuleMapping& m) { return a < m.start; });
  if (it == modules_.begin()) return npos;
  --it;
  return addr < it->end ? static_cast<std::size_t>(it - modules_.begin()) : npos;
}

const ModuleMapping* Symbolizer::module_of(uint64_t addr) const {
  const std::size_t index = index_of(addr);
  return index == npos ? nullptr : &modules_[index];
}

std::size_t Symbolizer::opened_module_count() const {
  return static_cast<std::size_t>(std::count(attempted_.begin(), attempted_.end(), true));
}

Dwfl_Module* Symbolizer::dwfl_module(std::size_t index) {
  if (attempted_[index]) return dwfl_modules_[index];
  attempted_[index] = true;
  const ModuleMapping& m = modules_[index];
  // Relative names are not files (the vDSO is "linux-vdso.so.1"); opening
  // them would pick up whatever happens to sit in the analyzer's cwd.
  if (dwfl_ == nullptr || m.path.empty() || m.path[0] != '/') return nullptr;
  // A log names the path: a FIFO or device there would block libdwfl's open (or never end).
  struct stat st;
  if (stat(m.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  // Adding one module at a time keeps the already reported ones, so each file
  // is opened only when an address in it is first looked up.
  // add_p_vaddr=true makes libdwfl take load_bias as the bias (dlpi_addr's
  // meaning); with false it would take it as the address of the first
  // PT_LOAD, which differs for objects linked at a non-zero base.
  dwfl_report_begin_add(dwfl_);
  Dwfl_Module* mod = dwfl_report_elf(dwfl_, m.path.c_str(), m.path.c_str(), -1, m.load_bias,
                                     /*add_p_vaddr=*/true);
  if (dwfl_report_end(dwfl_, nullptr, nullptr) != 0) mod = nullptr;
  dwfl_modules_[index] = mod;
  return mod;
}

SourceLocation Symbolizer::lookup(uint64_t pc) {
  if (auto it = cache_.find(pc); it != cache_.end()) return it->second;
  return cache_.emplace(pc, resolve(pc)).first->second;
}

SourceLocation Symbolizer::resolve(uint64_t pc) {
  SourceLocation loc;
  if (pc == 0) return loc;
  // The return address may already belong to the next line (or, after a call
  // to a noreturn function, to the next function); the call's last byte
  // does not.
  const uint64_t addr = pc - 1;
  const std::size_t index = index_of(addr);
  if (index == npos) return loc;
  loc.module = modules_[index].path;
  Dwfl_Module* mod = dwfl_module(index);
  if (mod == nullptr) return loc;

  loc.function = function_name(mod, addr);
  if (Dwfl_Line* line = dwfl_module_getsrc(mod, addr)) {
    int lineno = 0;
    const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr);
    // Line 0 marks compiler-generated code with no source line; a file alone
    // would not point the user anywhere.
    if (file != nullptr && lineno > 0) {
      loc.file = absolute_source_path(file, dwfl_line_comp_dir(line));
      loc.line = lineno;
    }
  } else {
    line_from_cu_ranges(mod, addr, loc);
  }
  return loc;
}

}  // namespace rmacheck
