// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_lockall_barrier_noflush_bug.c: inside one
// MPI_Win_lock_all epoch rank 0 puts a message into rank 1's mailbox and
// completes it at the target with MPI_Win_flush BEFORE the MPI_Barrier; the
// flush returning followed by the barrier orders the Put before rank 2's Get
// of the same bytes.
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
        MPI_Put(msg, N, MPI_INT, 1, 0, N, MPI_INT, win);
        MPI_Win_flush(1, win);   // complete at rank 1 before announcing it
    }
    MPI_Barrier(MPI_COMM_WORLD);   // "the message is there"
    if (rank == 2) {
        MPI_Get(got, N, MPI_INT, 1, 0, N, MPI_INT, win);
        MPI_Win_flush(1, win);
    }
    MPI_Win_unlock_all(win);
    for (int i = 0; rank == 2 && i < N; i++)
        if (got[i] != 7 * i) {
            fprintf(stderr, "race_lockall_barrier_flush_fixed: got[%d] = %d\n", i, got[i]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    if (rank == 0)
        printf("race_lockall_barrier_flush_fixed: OK\n");
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
