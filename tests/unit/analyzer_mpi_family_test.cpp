// Which MPI a program runs on (analyzer/cli/mpi_family.*): library names, and ELF
// dependencies read from the dynamic section of files installed on this machine.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/mpi_family.h"

namespace rmacheck {
namespace {

bool exists(const char* path) { return access(path, R_OK) == 0; }

TEST(MpiFamily, LibraryNames) {
  EXPECT_EQ(family_of_library("libmpi.so.40"), MpiFamily::kOpenMpi);
  EXPECT_EQ(family_of_library("/usr/lib/x86_64-linux-gnu/libopen-pal.so.40"), MpiFamily::kOpenMpi);
  EXPECT_EQ(family_of_library("libmpi_mpifh.so.40"), MpiFamily::kOpenMpi);
  EXPECT_EQ(family_of_library("libmpi_usempif08.so.40"), MpiFamily::kOpenMpi);
  EXPECT_EQ(family_of_library("libmpich.so.12"), MpiFamily::kMpich);
  EXPECT_EQ(family_of_library("libmpichfort.so.12"), MpiFamily::kMpich);
  EXPECT_EQ(family_of_library("libmpi.so.12"), MpiFamily::kMpich);  // Intel MPI, MVAPICH: MPICH's ABI
  EXPECT_EQ(family_of_library("libmpifort.so.12"), MpiFamily::kMpich);
  EXPECT_EQ(family_of_library("libm.so.6"), MpiFamily::kUnknown);
  EXPECT_EQ(family_of_library("libmpix.so"), MpiFamily::kUnknown);
}

TEST(MpiFamily, Names) {
  MpiFamily f = MpiFamily::kUnknown;
  EXPECT_TRUE(parse_mpi_family("mpich", f));
  EXPECT_EQ(f, MpiFamily::kMpich);
  EXPECT_TRUE(parse_mpi_family("openmpi", f));
  EXPECT_EQ(f, MpiFamily::kOpenMpi);
  EXPECT_FALSE(parse_mpi_family("intel", f));
  EXPECT_STREQ(mpi_family_name(MpiFamily::kMpich), "mpich");
}

// The Fortran binding libraries name the C library of their MPI.
TEST(MpiFamily, InstalledLibraries) {
  const char* ompi = "/usr/lib/x86_64-linux-gnu/libmpi_mpifh.so.40";
  const char* mpich = "/usr/lib/x86_64-linux-gnu/libmpichfort.so.12";
  if (!exists(ompi) || !exists(mpich)) GTEST_SKIP() << "needs Open MPI's and MPICH's Fortran libraries";
  MpiDetection d = detect_elf_mpi(ompi);
  EXPECT_EQ(d.family, MpiFamily::kOpenMpi) << d.evidence;
  EXPECT_NE(d.evidence.find("libmpi_mpifh.so.40 needs "), std::string::npos) << d.evidence;
  d = detect_elf_mpi(mpich);
  EXPECT_EQ(d.family, MpiFamily::kMpich) << d.evidence;
  EXPECT_NE(d.evidence.find("needs libmpich.so.12"), std::string::npos) << d.evidence;
}

TEST(MpiFamily, NotMpi) {
  EXPECT_EQ(detect_elf_mpi("/bin/true").family, MpiFamily::kUnknown);
  EXPECT_EQ(detect_elf_mpi("/nonexistent/app").family, MpiFamily::kUnknown);
  EXPECT_EQ(detect_program_mpi({"/nonexistent/app", "arg"}).family, MpiFamily::kUnknown);
}

// Debian's mpi4py is built against Open MPI: its MPI module says so.
TEST(MpiFamily, Mpi4py) {
  if (!exists("/usr/bin/python3")) GTEST_SKIP();
  const MpiDetection d = detect_program_mpi({"/usr/bin/python3", "-m", "mpi4py", "app.py"});
  if (d.family == MpiFamily::kUnknown) GTEST_SKIP() << "no mpi4py for /usr/bin/python3";
  EXPECT_EQ(d.family, MpiFamily::kOpenMpi) << d.evidence;
  EXPECT_EQ(d.evidence.rfind("mpi4py's MPI.", 0), 0u) << d.evidence;
}

}  // namespace
}  // namespace rmacheck
