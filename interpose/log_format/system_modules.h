// Which loaded modules are never the user's code: MPI and its runtime,
// mpi4py, the Python interpreter, libc and rmacheck itself. The interposer
// uses it to decide when to walk further up the stack, the analyzer to pick
// the user's frame; both must agree, so the list lives here once.
#pragma once

#include <cstring>
#include <string_view>

namespace rmacheck {

inline bool is_system_module(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  static const char* const kPrefixes[] = {"libmpi",      "libopen-pal", "libopen-rte", "libompitrace", "mca_",
                                          "librmacheck", "libpython",   "python",      "MPI.cpython",  "libucp",
                                          "libucs",      "libpmix",     "libhwloc",    "libevent",     "libfabric",
                                          "libc.so",     "libc-"};
  for (const char* p : kPrefixes)
    if (base.compare(0, std::strlen(p), p) == 0) return true;
  return path.find("/mpi4py/") != std::string_view::npos;
}

// Python frames that are never the user's: mpi4py's own modules, and the
// import machinery (MPI_Init_thread runs inside `from mpi4py import MPI`).
inline bool is_system_python_file(std::string_view file) {
  return file.find("/mpi4py/") != std::string_view::npos || file.rfind("<frozen ", 0) == 0;
}

}  // namespace rmacheck
