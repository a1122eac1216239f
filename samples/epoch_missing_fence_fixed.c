// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Ring exchange: every rank puts a value into the inbox of its right
// neighbour, inside a fence epoch: the first fence opens it (nothing to
// complete before it: MPI_MODE_NOPRECEDE), the second closes it (no RMA
// follows: MPI_MODE_NOSUCCEED). Fixed twin of epoch_missing_fence_bug.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *inbox;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &inbox, &win);
    *inbox = -1;

    int value = rank * 10;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&value, 1, MPI_INT, right, 0, 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (*inbox != left * 10) {
        fprintf(stderr, "rank %d: inbox holds %d, expected %d\n", rank, *inbox, left * 10);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    if (rank == 0)
        printf("epoch_missing_fence_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
