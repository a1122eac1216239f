// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: unclosed-epoch at=win_lock,win_free ranks=0
// rmacheck-expect[mpich]: unclosed-epoch at=win_lock,win_free ranks=0
// rmacheck-expect[mpich]: mpi-error at=win_free ranks=0
// rmacheck-expect[mpich]: program-failed at=win_free
//   (MPICH rejects the MPI_Win_free of a window with an open epoch: MPI_ERR_RMA_SYNC, fatal)
// rmacheck-lint-expect: unclosed-epoch at=win_lock,return
//
// Every rank adds its rank to a total on rank 0 with MPI_Accumulate under a
// shared lock. contribute() returns early for a zero contribution and skips
// the unlock: rank 0 (contribution 0) reaches MPI_Win_free with its
// passive-target epoch still open. Open MPI does not complain.
// Fixed twin: epoch_unclosed_lock_fixed.c.
#include <mpi.h>
#include <stdio.h>

static void contribute(MPI_Win win, int value)
{
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);  // @win_lock
    if (value == 0)
        return;   // BUG: returns with the lock epoch still open @return
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
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("epoch_unclosed_lock: total %d (expected %d)\n", *total, size * (size - 1) / 2);

    MPI_Win_free(&win);  // @win_free
    MPI_Finalize();
    return 0;
}
