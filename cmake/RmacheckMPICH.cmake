# MPICH beside Open MPI: finds MPICH's C wrapper (mpicc.mpich, never the bare
# mpicc, which Debian's alternatives may point at either MPI) and makes an
# imported target rmacheck::mpich with its include directory and libmpich,
# read from the wrapper's own -compile_info / -link_info. The interposer is
# then built a second time against it (librmacheck-mpich.so).
#
#   RMACHECK_MPICH  AUTO (default: build it when MPICH is installed), ON (required), OFF
set(RMACHECK_MPICH AUTO CACHE STRING "Build librmacheck-mpich.so against MPICH (AUTO, ON, OFF)")
set_property(CACHE RMACHECK_MPICH PROPERTY STRINGS AUTO ON OFF)

set(RMACHECK_HAVE_MPICH OFF)
if(NOT RMACHECK_MPICH STREQUAL "OFF")
  find_program(RMACHECK_MPICH_MPICC NAMES mpicc.mpich)
  find_program(RMACHECK_MPICH_MPIEXEC NAMES mpiexec.mpich)
  find_program(RMACHECK_MPICH_MPIFORT NAMES mpifort.mpich)
  if(RMACHECK_MPICH_MPICC)
    execute_process(COMMAND ${RMACHECK_MPICH_MPICC} -compile_info OUTPUT_VARIABLE _info
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    separate_arguments(_words UNIX_COMMAND "${_info}")
    set(_incs "")
    set(_libdirs "")
    foreach(w IN LISTS _words)
      if(w MATCHES "^-I(.+)")
        list(APPEND _incs ${CMAKE_MATCH_1})
      elseif(w MATCHES "^-L(.+)")
        list(APPEND _libdirs ${CMAKE_MATCH_1})
      endif()
    endforeach()
    find_path(RMACHECK_MPICH_INCLUDE_DIR mpi.h PATHS ${_incs} NO_DEFAULT_PATH)
    find_library(RMACHECK_MPICH_LIBRARY NAMES mpich PATHS ${_libdirs} NO_DEFAULT_PATH)
    if(RMACHECK_MPICH_INCLUDE_DIR AND RMACHECK_MPICH_LIBRARY AND RMACHECK_MPICH_MPIEXEC)
      set(RMACHECK_HAVE_MPICH ON)
      add_library(rmacheck::mpich INTERFACE IMPORTED)
      set_target_properties(rmacheck::mpich PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES ${RMACHECK_MPICH_INCLUDE_DIR}
        INTERFACE_LINK_LIBRARIES ${RMACHECK_MPICH_LIBRARY})
    endif()
  endif()
  if(RMACHECK_HAVE_MPICH)
    message(STATUS "rmacheck: MPICH at ${RMACHECK_MPICH_INCLUDE_DIR}: building librmacheck-mpich.so")
  elseif(RMACHECK_MPICH STREQUAL "ON")
    message(FATAL_ERROR "rmacheck: RMACHECK_MPICH=ON but no MPICH (mpicc.mpich, mpiexec.mpich, mpi.h, libmpich)")
  else()
    message(STATUS "rmacheck: no MPICH (mpicc.mpich): only the Open MPI interposer is built")
  endif()
endif()
