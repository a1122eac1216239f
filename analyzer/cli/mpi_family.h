// Which MPI a program runs on, so that `rmacheck run` preloads the
// interposer built against that MPI (librmacheck.so for Open MPI,
// librmacheck-mpich.so for MPICH and the libraries sharing its ABI: Intel
// MPI, Cray MPICH, MVAPICH) and starts it with that MPI's launcher. The two
// are not interchangeable: handles, constants and symbols differ, so a
// program on MPICH with Open MPI's interposer would not even load.
//
// The answer comes from the program's ELF dependencies (DT_NEEDED, followed
// through the libraries it names), or, for a Python interpreter, from those of
// mpi4py's MPI extension module. `--mpi openmpi|mpich` overrides it.
#pragma once

#include <string>
#include <vector>

namespace rmacheck {

enum class MpiFamily { kUnknown, kOpenMpi, kMpich };

const char* mpi_family_name(MpiFamily f);  // "openmpi", "mpich", "unknown"
bool parse_mpi_family(const std::string& name, MpiFamily& out);

// The family a shared library belongs to by its name (libmpi.so.40,
// libopen-pal.so.40, libmpi_mpifh.so.40: Open MPI; libmpich.so.12,
// libmpichfort.so.12, libmpi.so.12: MPICH's ABI), or kUnknown.
MpiFamily family_of_library(const std::string& soname);

struct MpiDetection {
  MpiFamily family = MpiFamily::kUnknown;
  std::string evidence;  // "./app needs libmpich.so.12", for the messages of `run`
};

// The MPI of an ELF file: its DT_NEEDED libraries, resolved through its
// RUNPATH/RPATH, LD_LIBRARY_PATH and the system library directories and
// followed a few levels deep (a program may link MPI through a library of its own).
MpiDetection detect_elf_mpi(const std::string& path);
// The MPI of PROGRAM ARGS...: an ELF program's, or for a Python interpreter
// (python*) the MPI of the mpi4py it imports.
MpiDetection detect_program_mpi(const std::vector<std::string>& program);

}  // namespace rmacheck
