// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Several rounds of a ring shift: in round k every rank puts a value into
// slot k of its right neighbour. Only the first fence asserts
// MPI_MODE_NOPRECEDE (nothing is pending before it); the fences in the loop
// complete the Puts of their round, and the last one asserts
// MPI_MODE_NOSUCCEED. Fixed twin of fence_noprecede_bug.c.
#include <mpi.h>
#include <stdio.h>

#define ROUNDS 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *slots;
    MPI_Win win;
    MPI_Win_allocate(ROUNDS * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slots, &win);
    for (int k = 0; k < ROUNDS; k++)
        slots[k] = -1;

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    for (int k = 0; k < ROUNDS; k++) {
        int value = rank * 10 + k;
        MPI_Put(&value, 1, MPI_INT, right, k, 1, MPI_INT, win);
        MPI_Win_fence(k == ROUNDS - 1 ? MPI_MODE_NOSUCCEED : 0, win);
    }

    for (int k = 0; k < ROUNDS; k++)
        if (slots[k] != left * 10 + k)
            MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("fence_noprecede_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
