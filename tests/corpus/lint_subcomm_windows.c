// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): windows on sub-communicators. The ranks split into two
// halves by rank; each half creates its own window on its own
// communicator and fences it among its members only (a fence under a
// rank-dependent branch, but on a window all of whose members take that
// branch). Rank 0 alone creates and frees a self window for local
// bookkeeping on MPI_COMM_SELF (MPI_Win_allocate: Open MPI 4.1 refuses
// MPI_Win_create on MPI_COMM_SELF with MPI_ERR_WIN). Everything is freed before Finalize.
// The halves make their windows one after the other (a world barrier in
// each arm): Open MPI 4.1 on one node fails now and then with MPI_ERR_WIN
// when two disjoint split communicators create windows at the same time.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    const int color = rank < size / 2 ? 0 : 1;
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, color, rank, &half);
    int hrank, hsize;
    MPI_Comm_rank(half, &hrank);
    MPI_Comm_size(half, &hsize);

    int cell = -1;
    if (color == 0) {
        // The lower half passes values to the right, around its own ring.
        MPI_Win lower;
        MPI_Win_create(&cell, sizeof cell, sizeof cell, MPI_INFO_NULL, half, &lower);
        MPI_Win_fence(0, lower);
        MPI_Put(&hrank, 1, MPI_INT, (hrank + 1) % hsize, 0, 1, MPI_INT, lower);
        MPI_Win_fence(0, lower);
        MPI_Win_free(&lower);
        if (cell != (hrank + hsize - 1) % hsize) {
            fprintf(stderr, "rank %d: lower cell %d\n", rank, cell);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        MPI_Barrier(MPI_COMM_WORLD);
    } else {
        MPI_Barrier(MPI_COMM_WORLD);  // after the lower half's window is gone (see above)
        // The upper half all read its rank 0's value.
        MPI_Win upper;
        cell = 100 + hrank;
        MPI_Win_create(&cell, sizeof cell, sizeof cell, MPI_INFO_NULL, half, &upper);
        int got = -1;
        MPI_Win_fence(0, upper);
        MPI_Get(&got, 1, MPI_INT, 0, 0, 1, MPI_INT, upper);
        MPI_Win_fence(0, upper);
        MPI_Win_free(&upper);
        if (got != 100) {
            fprintf(stderr, "rank %d: upper got %d\n", rank, got);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }

    if (rank == 0) {
        long *tally, one = 1;
        MPI_Win self;
        MPI_Win_allocate(sizeof(long), sizeof(long), MPI_INFO_NULL, MPI_COMM_SELF, &tally, &self);
        *tally = 0;
        MPI_Win_fence(0, self);
        MPI_Accumulate(&one, 1, MPI_LONG, 0, 0, 1, MPI_LONG, MPI_SUM, self);
        MPI_Win_fence(0, self);
        long seen = *tally;
        MPI_Win_free(&self);
        if (seen != 1) {
            fprintf(stderr, "rank 0: tally %ld\n", seen);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Comm_free(&half);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("lint_subcomm_windows: ok\n");
    MPI_Finalize();
    return 0;
}
