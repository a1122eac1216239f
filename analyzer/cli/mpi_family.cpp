#include "cli/mpi_family.h"

#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <set>

#include "cli/command_output.h"

namespace rmacheck {

const char* mpi_family_name(MpiFamily f) {
  switch (f) {
    case MpiFamily::kOpenMpi:
      return "openmpi";
    case MpiFamily::kMpich:
      return "mpich";
    case MpiFamily::kUnknown:
      break;
  }
  return "unknown";
}

bool parse_mpi_family(const std::string& name, MpiFamily& out) {
  if (name == "openmpi" || name == "ompi") return out = MpiFamily::kOpenMpi, true;
  if (name == "mpich") return out = MpiFamily::kMpich, true;
  return false;
}

MpiFamily family_of_library(const std::string& soname) {
  const std::string base = soname.substr(soname.find_last_of('/') + 1);
  auto starts = [&](const char* p) { return base.rfind(p, 0) == 0; };
  // Open MPI's runtime and bindings, by names no other MPI uses.
  if (starts("libopen-pal.") || starts("libopen-rte.") || starts("libmpi_mpifh") || starts("libmpi_usempi") ||
      starts("libmpi_cxx.") || starts("libmpi_java."))
    return MpiFamily::kOpenMpi;
  // MPICH itself (libmpich, libmpichfort, libmpichcxx), and its ABI family's libmpi.so.12 (Intel MPI,
  // MVAPICH) with libmpifort.so.12 / libmpicxx.so.12.
  if (starts("libmpich") || starts("libmpi.so.12") || starts("libmpifort.so.12") || starts("libmpicxx.so.12"))
    return MpiFamily::kMpich;
  if (starts("libmpi.so.")) return MpiFamily::kOpenMpi;  // libmpi.so.40 (4.x), .20, ...: Open MPI's sonames
  return MpiFamily::kUnknown;
}

namespace {

struct DynamicSection {
  std::vector<std::string> needed, rpath, runpath;
  bool ok = false;
};

std::vector<std::string> split_path_list(const std::string& list, const std::string& origin) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    std::string dir = list.substr(start, end - start);
    for (const char* token : {"$ORIGIN", "${ORIGIN}"})
      for (size_t at; (at = dir.find(token)) != std::string::npos;) dir.replace(at, std::strlen(token), origin);
    if (!dir.empty()) out.push_back(dir);
    start = end + 1;
  }
  return out;
}

DynamicSection read_dynamic_section(const std::string& path) {
  DynamicSection out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  elf_version(EV_CURRENT);
  Elf* e = elf_begin(fd, ELF_C_READ, nullptr);
  if (e && elf_kind(e) == ELF_K_ELF) {
    const std::string origin = path.find('/') == std::string::npos ? "." : path.substr(0, path.find_last_of('/'));
    for (Elf_Scn* scn = elf_nextscn(e, nullptr); scn; scn = elf_nextscn(e, scn)) {
      GElf_Shdr shdr;
      if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC || shdr.sh_entsize == 0) continue;
      Elf_Data* data = elf_getdata(scn, nullptr);
      if (!data) continue;
      out.ok = true;
      for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; ++i) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(data, static_cast<int>(i), &dyn)) break;
        if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH) continue;
        const char* s = elf_strptr(e, shdr.sh_link, dyn.d_un.d_val);
        if (!s) continue;
        if (dyn.d_tag == DT_NEEDED) out.needed.push_back(s);
        if (dyn.d_tag == DT_RPATH) out.rpath = split_path_list(s, origin);
        if (dyn.d_tag == DT_RUNPATH) out.runpath = split_path_list(s, origin);
      }
    }
  }
  if (e) elf_end(e);
  ::close(fd);
  return out;
}

// The loader's configured directories (/etc/ld.so.conf.d/*.conf), then the usual ones.
const std::vector<std::string>& system_library_dirs() {
  static const std::vector<std::string> dirs = [] {
    std::vector<std::string> d;
    if (DIR* conf = opendir("/etc/ld.so.conf.d")) {
      std::set<std::string> files;
      while (dirent* ent = readdir(conf)) {
        const std::string n = ent->d_name;
        if (n.size() > 5 && n.compare(n.size() - 5, 5, ".conf") == 0) files.insert("/etc/ld.so.conf.d/" + n);
      }
      closedir(conf);
      for (const std::string& f : files) {
        std::ifstream in(f);
        for (std::string line; std::getline(in, line);)
          if (!line.empty() && line[0] == '/') d.push_back(line.substr(0, line.find_first_of(" \t#")));
      }
    }
    for (const char* s :
         {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"})
      d.push_back(s);
    return d;
  }();
  return dirs;
}

// Where the loader would find NAME for an object with this dynamic section ("" if nowhere).
std::string resolve_library(const std::string& name, const DynamicSection& from) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), R_OK) == 0 ? name : "";
  std::vector<std::string> dirs;
  if (from.runpath.empty()) dirs = from.rpath;  // DT_RPATH counts only without DT_RUNPATH
  if (const char* env = getenv("LD_LIBRARY_PATH")) {
    std::vector<std::string> more = split_path_list(env, ".");
    dirs.insert(dirs.end(), more.begin(), more.end());
  }
  dirs.insert(dirs.end(), from.runpath.begin(), from.runpath.end());
  dirs.insert(dirs.end(), system_library_dirs().begin(), system_library_dirs().end());
  for (const std::string& d : dirs) {
    const std::string candidate = d + "/" + name;
    if (access(candidate.c_str(), R_OK) == 0) return candidate;
  }
  return "";
}

std::string display_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// The file execvp would run for PROGRAM (a name without '/' is looked up on PATH).
std::string program_path(const std::string& prog) {
  if (prog.find('/') != std::string::npos) return prog;
  const std::vector<std::string> dirs = split_path_list(getenv("PATH") ? getenv("PATH") : "", ".");
  for (const std::string& d : dirs) {
    const std::string candidate = d + "/" + prog;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return prog;  // mpirun also looks in the working directory
}

// The file of mpi4py's MPI module for this interpreter, asked of the interpreter itself
// (importing the mpi4py package does not load MPI). "" if it has no mpi4py.
std::string mpi4py_module(const std::string& python) {
  const char* code =
      "import importlib.util as u\n"
      "s = u.find_spec('mpi4py.MPI')\n"
      "print(s.origin if s and s.origin else '')\n";
  return command_output({python, "-c", code}, 20);  // bounded: an interpreter that hangs must not hang `rmacheck run`
}

}  // namespace

MpiDetection detect_elf_mpi(const std::string& path) {
  MpiDetection out;
  // Breadth first: the program's own dependencies decide before those of the libraries it loads.
  std::deque<std::pair<std::string, int>> todo = {{path, 0}};
  std::set<std::string> seen = {path};
  while (!todo.empty() && seen.size() < 256) {
    auto [file, depth] = todo.front();
    todo.pop_front();
    const DynamicSection dyn = read_dynamic_section(file);
    for (const std::string& name : dyn.needed) {
      const MpiFamily f = family_of_library(name);
      if (f != MpiFamily::kUnknown) {
        out.family = f;
        out.evidence =
            display_name(path) + (file == path ? "" : " (through " + display_name(file) + ")") + " needs " + name;
        return out;
      }
      if (depth >= 3) continue;
      const std::string lib = resolve_library(name, dyn);
      if (!lib.empty() && seen.insert(lib).second) todo.push_back({lib, depth + 1});
    }
  }
  return out;
}

MpiDetection detect_program_mpi(const std::vector<std::string>& program) {
  if (program.empty()) return {};
  const std::string base = display_name(program[0]);
  if (base.rfind("python", 0) == 0) {
    const std::string module = mpi4py_module(program[0]);
    if (module.empty()) return {};
    MpiDetection d = detect_elf_mpi(module);
    if (d.family != MpiFamily::kUnknown) d.evidence = "mpi4py's " + d.evidence;
    return d;
  }
  return detect_elf_mpi(program_path(program[0]));
}

}  // namespace rmacheck
