// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Two phases on one window. Phase 1 (fences): every rank puts its rank into
// its right neighbour's NEIGHBOUR slot; the fence ending it asserts
// MPI_MODE_NOSUCCEED, so no fence epoch follows. Phase 2 (passive target):
// every rank adds one to a counter on rank 0 under an exclusive lock, and a
// barrier (not a fence) separates it from rank 0's check, which rank 0 does
// under an exclusive lock on itself. Fixed twin of epoch_lock_in_fence_bug.c.
#include <mpi.h>
#include <stdio.h>

enum { NEIGHBOUR = 0, COUNTER = 1, NSLOTS = 2 };

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
    slots[NEIGHBOUR] = -1;
    slots[COUNTER] = 0;

    // Phase 1: active target.
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&rank, 1, MPI_INT, right, NEIGHBOUR, 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
    if (slots[NEIGHBOUR] != left)
        MPI_Abort(MPI_COMM_WORLD, 1);

    // Phase 2: passive target.
    int one = 1;
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
    MPI_Accumulate(&one, 1, MPI_INT, 0, COUNTER, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_unlock(0, win);
    MPI_Barrier(MPI_COMM_WORLD);   // every rank's accumulate is complete at rank 0

    if (rank == 0) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        int counter = slots[COUNTER];
        MPI_Win_unlock(0, win);
        if (counter != size)
            MPI_Abort(MPI_COMM_WORLD, 1);
        printf("epoch_lock_in_fence_fixed: OK\n");
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
