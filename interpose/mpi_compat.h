// Predefined handles that one MPI the interposer is built against defines and
// another does not (MPICH 4.0 has no MPI_LOGICAL1..8, MPI_2COMPLEX,
// MPI_2DOUBLE_COMPLEX; Open MPI 4.1 has them all). A missing one is
// MPI_DATATYPE_NULL here, so basic_types.def keeps its positions (the codes
// the log uses) in every build; no program can pass a type its MPI lacks, and
// the lookups skip MPI_DATATYPE_NULL (datatype_flatten.cpp).
#pragma once

#include <mpi.h>

#ifndef MPI_LOGICAL1
#define MPI_LOGICAL1 MPI_DATATYPE_NULL
#endif
#ifndef MPI_LOGICAL2
#define MPI_LOGICAL2 MPI_DATATYPE_NULL
#endif
#ifndef MPI_LOGICAL4
#define MPI_LOGICAL4 MPI_DATATYPE_NULL
#endif
#ifndef MPI_LOGICAL8
#define MPI_LOGICAL8 MPI_DATATYPE_NULL
#endif
#ifndef MPI_2COMPLEX
#define MPI_2COMPLEX MPI_DATATYPE_NULL
#endif
#ifndef MPI_2DOUBLE_COMPLEX
#define MPI_2DOUBLE_COMPLEX MPI_DATATYPE_NULL
#endif
