// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: epoch-mismatch at=lock,unlock ranks=0
// rmacheck-expect: unclosed-epoch at=lock,win_free ranks=0
// rmacheck-expect: mpi-error at=unlock ranks=0
// rmacheck-expect[mpich]: epoch-mismatch at=lock,unlock ranks=0
// rmacheck-expect[mpich]: mpi-error at=unlock ranks=0
// rmacheck-expect[mpich]: program-failed at=unlock
//   (MPICH's error in the unlock is fatal: rank 0 never reaches MPI_Win_free)
// rmacheck-lint-expect: epoch-mismatch at=lock,unlock
// rmacheck-lint-expect: unclosed-epoch at=lock,win_free
//
// BUG: rank 0 hands out work by writing a task id into the mailbox of
// rank 1 and then of rank 2, each under an exclusive lock of that rank. The
// second block was copied from the first and its unlock still names rank 1:
// MPI_Win_unlock(1) while the lock held is on rank 2. Open MPI returns
// MPI_ERR_RMA_SYNC (the window uses MPI_ERRORS_RETURN so that the job goes
// on), and the lock on rank 2 is never released: it is still held at
// MPI_Win_free. lint and the run both report the mismatch and the open epoch.
// The fixed twin is epoch_unlock_wrong_target_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 3) {
        if (rank == 0)
            fprintf(stderr, "epoch_unlock_wrong_target_bug: needs 3 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    int *mailbox;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &mailbox, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    *mailbox = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        int task1 = 11, task2 = 22;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Put(&task1, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Win_unlock(1, win);

        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);  // @lock
        MPI_Put(&task2, 1, MPI_INT, 2, 0, 1, MPI_INT, win);
        int rc = MPI_Win_unlock(1, win);  // @unlock BUG: the lock is on rank 2
        if (rc != MPI_SUCCESS)
            fprintf(stderr, "rank 0: MPI_Win_unlock(1) failed (error %d)\n", rc);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);  // @win_free
    MPI_Finalize();
    return 0;
}
