// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Epoch 1: every rank puts its rank into its right neighbour. Epoch 2 reads
// the neighbours' slots and counts every rank in on rank 0 with
// MPI_Accumulate, so its opening fence must not assert MPI_MODE_NOPUT (it
// may assert MPI_MODE_NOSTORE: no local store happened in epoch 1).
// Fixed twin of fence_noput_bug.c.
#include <mpi.h>
#include <stdio.h>

enum { FROM_LEFT = 0, COUNT = 1, NSLOTS = 2 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *slots;
    MPI_Win win;
    MPI_Win_allocate(NSLOTS * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slots, &win);
    slots[FROM_LEFT] = -1;
    slots[COUNT] = 0;

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&rank, 1, MPI_INT, right, FROM_LEFT, 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSTORE, win);
    int peek = -1, one = 1;
    MPI_Get(&peek, 1, MPI_INT, left, FROM_LEFT, 1, MPI_INT, win);
    MPI_Accumulate(&one, 1, MPI_INT, 0, COUNT, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    int left_of_left = (left + size - 1) % size;
    if (peek != left_of_left || (rank == 0 && slots[COUNT] != size))
        MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("fence_noput_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
