// rmacheck-sample: ranks=2 timeout=8 complete=false
// rmacheck-sample[mpich]: skip=MPICH aborts rank 1 in its inner MPI_Win_lock (MPI_ERR_RMA_SYNC) and Hydra then tears the job down; whether the abort's trace (its exit(50), its Abort line) is out before Hydra's SIGKILL, and whether rank 0 is still waiting at --timeout, differs from run to run, so the findings beyond the epoch-mismatch are not fixed
// rmacheck-expect: epoch-mismatch at=win_lock,win_lock2 ranks=1
// rmacheck-expect: hang at=win_lock,barrier
// rmacheck-lint-expect: none
//
// Rank 1 reads a counter on rank 0 and then increments it with a helper,
// all under one exclusive lock. But the helper takes its own (shared) lock
// on the same target: locks on one target do not nest. The exclusive lock is
// really held after the flush, so the inner lock waits for rank 1 itself:
// the job deadlocks (rank 0 waits in the barrier), and the nested-lock
// finding explains the hang. Fixed twin: epoch_nested_lock_fixed.c.
#include <mpi.h>
#include <stdio.h>

static void bump(MPI_Win win, int target)
{
    int one = 1;
    MPI_Win_lock(MPI_LOCK_SHARED, target, 0, win);  // @win_lock
    MPI_Accumulate(&one, 1, MPI_INT, target, 0, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_unlock(target, win);
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
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);  // @win_lock2
        MPI_Get(&before, 1, MPI_INT, 0, 0, 1, MPI_INT, win);
        MPI_Win_flush(0, win);
        bump(win, 0);   // BUG: locks rank 0 again inside the epoch
        MPI_Win_unlock(0, win);
        printf("epoch_nested_lock: counter was %d\n", before);
    }

    MPI_Barrier(MPI_COMM_WORLD);   // @barrier wait for rank 1
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
