// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Rank 0 hands out work by writing a task id into the mailbox of rank 1
// and then of rank 2, each under an exclusive lock of that rank, released by
// an unlock of the same rank. Ranks 1 and 2 check their task after the
// barrier. Buggy twin: epoch_unlock_wrong_target_bug.c.
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
            fprintf(stderr, "epoch_unlock_wrong_target_fixed: needs 3 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    int *mailbox;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &mailbox, &win);
    *mailbox = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        int task1 = 11, task2 = 22;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Put(&task1, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Win_unlock(1, win);

        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);
        MPI_Put(&task2, 1, MPI_INT, 2, 0, 1, MPI_INT, win);
        MPI_Win_unlock(2, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1 || rank == 2) {
        MPI_Win_lock(MPI_LOCK_SHARED, rank, 0, win);
        int task = *mailbox;
        MPI_Win_unlock(rank, win);
        if (task != 11 * rank) {
            fprintf(stderr, "rank %d: task %d\n", rank, task);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
