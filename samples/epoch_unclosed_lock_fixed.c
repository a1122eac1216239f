// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Every rank adds its rank to a total on rank 0 with MPI_Accumulate under a
// shared lock; a zero contribution is skipped before the lock is taken, so
// every epoch that is opened is closed. Fixed twin of epoch_unclosed_lock_bug.c.
#include <mpi.h>
#include <stdio.h>

static void contribute(MPI_Win win, int value)
{
    if (value == 0)
        return;   // nothing to add: no epoch at all
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
    MPI_Accumulate(&value, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_unlock(0, win);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int *total;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &total, &win);
    *total = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    contribute(win, rank);
    MPI_Barrier(MPI_COMM_WORLD);   // all accumulates are complete at rank 0
    if (rank == 0) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        int sum = *total;
        MPI_Win_unlock(0, win);
        if (sum != size * (size - 1) / 2)
            MPI_Abort(MPI_COMM_WORLD, 1);
        printf("epoch_unclosed_lock_fixed: OK\n");
    }

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
