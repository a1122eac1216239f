// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Rank 1 reads a counter on rank 0 and then increments it, all under one
// exclusive lock: the helper works inside the caller's epoch instead of
// locking again. Fixed twin of epoch_nested_lock_bug.c.
#include <mpi.h>
#include <stdio.h>

// Must be called inside a passive-target epoch on `target`.
static void bump_locked(MPI_Win win, int target)
{
    int one = 1;
    MPI_Accumulate(&one, 1, MPI_INT, target, 0, 1, MPI_INT, MPI_SUM, win);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *counter;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &counter, &win);
    *counter = 5;
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 1) {
        int before = -1;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        MPI_Get(&before, 1, MPI_INT, 0, 0, 1, MPI_INT, win);
        MPI_Win_flush(0, win);   // orders the Get before the Accumulate
        bump_locked(win, 0);
        MPI_Win_unlock(0, win);
        if (before != 5)
            MPI_Abort(MPI_COMM_WORLD, 1);
    }

    MPI_Barrier(MPI_COMM_WORLD);   // rank 1's increment is complete at rank 0
    if (rank == 0) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        int now = *counter;
        MPI_Win_unlock(0, win);
        if (now != 6)
            MPI_Abort(MPI_COMM_WORLD, 1);
        printf("epoch_nested_lock_fixed: OK\n");
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
