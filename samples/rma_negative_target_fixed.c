// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// A non-periodic 1-D decomposition: every rank reads its left neighbour's
// edge; rank 0 has none and uses MPI_PROC_NULL, for which MPI_Get does
// nothing. Fixed twin of rma_negative_target_bug.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;

    double *edge;
    MPI_Win win;
    MPI_Win_allocate(sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &edge, &win);
    *edge = rank + 0.5;

    double ghost = 0.0;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Get(&ghost, 1, MPI_DOUBLE, left, 0, 1, MPI_DOUBLE, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (ghost != (rank == 0 ? 0.0 : rank - 1 + 0.5))
        MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("rma_negative_target_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
