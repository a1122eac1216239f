// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: epoch-mismatch at=win_fence,win_lock,win_fence2
// rmacheck-lint-expect: epoch-mismatch at=win_fence,win_lock,win_fence2
//
// Two phases on one window. Phase 1 (fences): every rank puts its rank into
// its right neighbour's NEIGHBOUR slot. Phase 2 (passive target): every rank
// adds one to a counter on rank 0 under an exclusive lock. The fence ending
// phase 1 does not assert MPI_MODE_NOSUCCEED, and a last fence follows the
// lock epochs: RMA calls happen between those two fences, so they delimit a
// fence epoch, and the lock epochs are mixed into it (MPI-3.1 11.5: access
// epochs on one window must be disjoint). Open MPI runs it without
// complaint. Fixed twin: epoch_lock_in_fence_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { NEIGHBOUR = 0, COUNTER = 1, NSLOTS = 2 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size;

    int *slots;
    MPI_Win win;
    MPI_Win_allocate(NSLOTS * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slots, &win);
    slots[NEIGHBOUR] = -1;
    slots[COUNTER] = 0;

    // Phase 1: active target.
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&rank, 1, MPI_INT, right, NEIGHBOUR, 1, MPI_INT, win);
    MPI_Win_fence(0, win);   // @win_fence ends phase 1 (BUG: should assert MPI_MODE_NOSUCCEED)

    // Phase 2: passive target.
    int one = 1;
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);  // @win_lock
    MPI_Accumulate(&one, 1, MPI_INT, 0, COUNTER, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_unlock(0, win);
    MPI_Win_fence(0, win);   // @win_fence2 "to be safe" (BUG: mixes a fence epoch with the lock epochs)

    if (rank == 0)
        printf("epoch_lock_in_fence: counter %d (expected %d)\n", slots[COUNTER], size);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
