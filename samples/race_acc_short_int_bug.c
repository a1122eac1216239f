// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=accumulate,accumulate2 ranks=0,2
// rmacheck-lint-expect: none
//
// Rank 1 keeps a 32-bit event counter per channel. Rank 0 was written for an
// older layout with two 16-bit counters per channel and bumps them with
// MPI_Accumulate(MPI_SHORT), while rank 2 bumps channel 0 with
// MPI_Accumulate(MPI_INT), concurrently (shared locks). Accumulates of
// different basic datatypes on overlapping bytes ([0,4) of rank 1's window)
// are not atomic with respect to each other: a conflict.
// See race_acc_same_type_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define NCHAN 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *events;
    MPI_Win win;
    MPI_Win_allocate(NCHAN * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &events, &win);
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    for (int i = 0; i < NCHAN; i++)
        events[i] = 0;
    MPI_Win_unlock(rank, win);
    MPI_Barrier(MPI_COMM_WORLD);

    short halves[2] = {1, 1};
    int one = 1;
    MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);
    if (rank == 0)
        MPI_Accumulate(halves, 2, MPI_SHORT, 1, 0, 2, MPI_SHORT, MPI_SUM, win);   // @accumulate BUG: stale layout
    if (rank == 2)
        MPI_Accumulate(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, MPI_SUM, win);  // @accumulate2
    MPI_Win_unlock(1, win);

    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_acc_short_int_bug: done\n");
    MPI_Finalize();
    return 0;
}
