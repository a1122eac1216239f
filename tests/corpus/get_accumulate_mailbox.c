// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: one-slot mailboxes with atomic swaps. Every rank drops a message
// into its right neighbour's mailbox with MPI_Get_accumulate(MPI_REPLACE),
// getting the previous content back, and peeks at its own mailbox with
// MPI_Get_accumulate(MPI_NO_OP) until the message arrives. All accesses to
// a mailbox are atomics on MPI_LONG with MPI_REPLACE or MPI_NO_OP.
#include <mpi.h>
#include <stdio.h>

#define EMPTY (-1L)

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = (rank + size - 1) % size, right = (rank + 1) % size;

    long *box;
    MPI_Win win;
    MPI_Win_allocate(sizeof(long), sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &box, &win);
    *box = EMPTY;
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Win_lock_all(0, win);
    long msg = 1000 + rank, prev = 0, got = EMPTY;
    MPI_Get_accumulate(&msg, 1, MPI_LONG, &prev, 1, MPI_LONG, right, 0, 1, MPI_LONG, MPI_REPLACE, win);
    MPI_Win_flush(right, win);
    while (got == EMPTY) {
        MPI_Get_accumulate(NULL, 0, MPI_LONG, &got, 1, MPI_LONG, rank, 0, 1, MPI_LONG, MPI_NO_OP, win);
        MPI_Win_flush(rank, win);
    }
    MPI_Win_unlock_all(win);

    if (prev != EMPTY || got != 1000 + left) {
        fprintf(stderr, "get_accumulate_mailbox: rank %d prev %ld got %ld\n", rank, prev, got);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("get_accumulate_mailbox: all messages delivered\n");
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
