// rmacheck-sample: ranks=2 timeout=60 complete=false exit=139
// rmacheck-sample[mpich]: exit=any
//   (MPICH rejects the freed handle and ends rank 0; mpiexec.mpich's exit status was 6 or
//   15 in repeated runs, depending on which rank's end Hydra reports)
// rmacheck-expect: invalid-arg at=put,free ranks=0
// rmacheck-expect: program-failed at=put
// rmacheck-lint-expect: none
//
// Rank 0 sends every other element of a row to rank 1 with a strided
// datatype. A helper that builds the datatype frees it before returning
// (the caller keeps a copy of the handle), so MPI_Put is given a datatype
// that no longer exists. Open MPI dies inside MPI_Put (a segmentation fault: the
// handle points to freed memory); the interposer must log the Put first, without touching the freed handle
// itself, so that the report can say which call got which freed datatype and
// where it was freed. Fixed twin: usage_freed_type_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { N = 8 };

static MPI_Datatype every_other(void)
{
    MPI_Datatype t, copy;
    MPI_Type_vector(N / 2, 1, 2, MPI_DOUBLE, &t);
    MPI_Type_commit(&t);
    copy = t;
    MPI_Type_free(&t);   // @free  BUG: the caller still uses it
    return copy;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    double *row;
    MPI_Win win;
    MPI_Win_allocate(N * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &row, &win);
    for (int i = 0; i < N; ++i) row[i] = rank * 100 + i;

    double mine[N];
    for (int i = 0; i < N; ++i) mine[i] = i;
    MPI_Win_fence(0, win);
    if (rank == 0) {
        MPI_Datatype strided = every_other();
        MPI_Put(mine, 1, strided, 1, 0, 1, strided, win);   // @put
    }
    MPI_Win_fence(0, win);
    if (rank == 1) printf("row[2] = %g\n", row[2]);

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
