// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put,get ranks=0,2
// rmacheck-lint-expect: none
//
// Inside one MPI_Win_lock_all epoch, rank 0 puts a message into rank 1's
// mailbox, everybody meets in MPI_Barrier, then rank 2 gets the mailbox from
// rank 1. The barrier orders the CALLS, but the Put is complete at rank 1
// only after a flush (or the unlock) at rank 0 returns -- rank 0 does not
// flush before the barrier, so the Put may still be in flight when rank 2's
// Get reads the same bytes: a race. See race_lockall_barrier_flush_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define N 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *mailbox;
    MPI_Win win;
    MPI_Win_allocate(N * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &mailbox, &win);
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    for (int i = 0; i < N; i++)
        mailbox[i] = -1;
    MPI_Win_unlock(rank, win);
    MPI_Barrier(MPI_COMM_WORLD);   // initialised before anyone accesses it

    int msg[N], got[N] = {0};
    MPI_Win_lock_all(0, win);   // one passive epoch for the whole phase
    if (rank == 0) {
        for (int i = 0; i < N; i++)
            msg[i] = 7 * i;
        MPI_Put(msg, N, MPI_INT, 1, 0, N, MPI_INT, win);  // @put
    }
    MPI_Barrier(MPI_COMM_WORLD);   // BUG: the Put was never flushed: it may not be at rank 1 yet
    if (rank == 2) {
        MPI_Get(got, N, MPI_INT, 1, 0, N, MPI_INT, win);  // @get
        MPI_Win_flush(1, win);
    }
    MPI_Win_unlock_all(win);
    if (rank == 2)
        printf("race_lockall_barrier_noflush_bug: got %d %d %d %d\n", got[0], got[1], got[2], got[3]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
