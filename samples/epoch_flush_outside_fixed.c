// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Ring exchange in a fence epoch: the closing fence completes the Put, no
// flush is needed (or allowed). Fixed twin of epoch_flush_outside_bug.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    double *halo;
    MPI_Win win;
    MPI_Win_allocate(sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &halo, &win);
    *halo = 0.0;

    double edge = rank + 0.5;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&edge, 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);   // completes the Put at both ends

    if (*halo != left + 0.5)
        MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("epoch_flush_outside_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
