// rmacheck-sample: ranks=4 timeout=90
// rmacheck-expect: none
//
// Corpus: the MCS queue lock over MPI-3 RMA (after "Using Advanced MPI",
// section 4.7). Rank 0 holds the tail; every rank has a (next, blocked)
// pair in its window. Acquire: swap yourself in as the tail with
// MPI_Fetch_and_op(MPI_REPLACE); if there was a predecessor, link into its
// next field and spin on your own blocked flag. Release: MPI_Compare_and_swap
// the tail back to nobody if you are still the tail, else wait for your
// successor to link in and clear its blocked flag. Every access to the lock
// words is an atomic on MPI_INT (CAS counts as MPI_REPLACE, polls are
// MPI_NO_OP), all inside one lock_all epoch. The critical section takes a
// ticket with MPI_Fetch_and_op(MPI_SUM) and records the order in which the
// ranks held the lock.
#include <mpi.h>
#include <stdio.h>

#define NEXT 0
#define BLOCKED 1
#define TAIL 2
#define TICKET 3
#define NOBODY (-1)

static void acquire(MPI_Win win, int rank)
{
    const int nobody = NOBODY, yes = 1;
    int pred = NOBODY;
    // My own words: reset through the window too, so every access to them is an RMA atomic.
    MPI_Accumulate(&nobody, 1, MPI_INT, rank, NEXT, 1, MPI_INT, MPI_REPLACE, win);
    MPI_Accumulate(&yes, 1, MPI_INT, rank, BLOCKED, 1, MPI_INT, MPI_REPLACE, win);
    MPI_Win_flush(rank, win);
    MPI_Fetch_and_op(&rank, &pred, MPI_INT, 0, TAIL, MPI_REPLACE, win);
    MPI_Win_flush(0, win);
    if (pred == NOBODY)
        return;
    MPI_Accumulate(&rank, 1, MPI_INT, pred, NEXT, 1, MPI_INT, MPI_REPLACE, win);
    MPI_Win_flush(pred, win);
    int blocked = 1;
    while (blocked) {
        MPI_Fetch_and_op(NULL, &blocked, MPI_INT, rank, BLOCKED, MPI_NO_OP, win);
        MPI_Win_flush(rank, win);
    }
}

static void release(MPI_Win win, int rank)
{
    const int nobody = NOBODY, no = 0;
    int tail = NOBODY, next = NOBODY;
    MPI_Compare_and_swap(&nobody, &rank, &tail, MPI_INT, 0, TAIL, win);
    MPI_Win_flush(0, win);
    if (tail == rank)
        return;  // nobody was waiting
    while (next == NOBODY) {
        MPI_Fetch_and_op(NULL, &next, MPI_INT, rank, NEXT, MPI_NO_OP, win);
        MPI_Win_flush(rank, win);
    }
    MPI_Accumulate(&no, 1, MPI_INT, next, BLOCKED, 1, MPI_INT, MPI_REPLACE, win);
    MPI_Win_flush(next, win);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int *words;
    MPI_Win win;
    MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &words, &win);
    words[NEXT] = NOBODY, words[BLOCKED] = 0, words[TAIL] = NOBODY, words[TICKET] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    const int one = 1;
    int tickets[3];
    MPI_Win_lock_all(0, win);
    for (int round = 0; round < 3; round++) {
        acquire(win, rank);
        MPI_Fetch_and_op(&one, &tickets[round], MPI_INT, 0, TICKET, MPI_SUM, win);
        MPI_Win_flush(0, win);
        release(win, rank);
    }
    MPI_Win_unlock_all(win);

    int last = 0;
    MPI_Allreduce(&tickets[2], &last, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (last != 3 * size - 1) {
        fprintf(stderr, "mcs_lock: last ticket %d, expected %d\n", last, 3 * size - 1);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("mcs_lock: %d critical sections\n", last + 1);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
