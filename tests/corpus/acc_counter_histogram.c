// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a distributed histogram. The BINS bins are spread over the ranks
// (BINS / size each); every rank classifies its samples and adds its local
// counts into the owners' bins with MPI_Accumulate(MPI_SUM) in one fence
// epoch. The busiest bin is found with MPI_MAXLOC on MPI_2INT pairs
// (count, bin) accumulated into rank 0, and a global sample counter is bumped
// with MPI_Fetch_and_op(MPI_SUM) under lock_all.
#include <mpi.h>
#include <stdio.h>

#define BINS 16
#define SAMPLES 200

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int per = BINS / size;

    // Window: per bins, then a (count, bin) pair, then the sample counter.
    int *w;
    MPI_Win win;
    MPI_Win_allocate((per + 3) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &w, &win);
    for (int i = 0; i < per + 3; i++)
        w[i] = 0;
    w[per + 1] = -1;

    int local[BINS] = {0};
    unsigned x = 12345u + rank;
    for (int s = 0; s < SAMPLES; s++) {
        x = x * 1103515245u + 12345u;
        local[(x >> 16) % BINS]++;
    }

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    for (int b = 0; b < BINS; b++)
        if (local[b])
            MPI_Accumulate(&local[b], 1, MPI_INT, b / per, b % per, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_fence(MPI_MODE_NOPUT, win);  // the histogram is complete; the next epoch reads it
    int counts[BINS];
    for (int r = 0; r < size; r++)
        MPI_Get(&counts[r * per], per, MPI_INT, r, 0, per, MPI_INT, win);
    MPI_Win_fence(0, win);
    int best[2] = {-1, -1};
    for (int b = 0; b < BINS; b++)
        if (counts[b] > best[0])
            best[0] = counts[b], best[1] = b;
    // Every rank proposes the same answer here; MAXLOC keeps it consistent.
    MPI_Accumulate(best, 1, MPI_2INT, 0, per, 1, MPI_2INT, MPI_MAXLOC, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    MPI_Win_lock_all(0, win);
    int before = 0;
    const int n = SAMPLES;
    MPI_Fetch_and_op(&n, &before, MPI_INT, 0, per + 2, MPI_SUM, win);
    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);

    int total = 0;
    for (int b = 0; b < BINS; b++)
        total += counts[b];
    if (total != size * SAMPLES || (rank == 0 && (w[per] != best[0] || w[per + 2] != size * SAMPLES))) {
        fprintf(stderr, "acc_counter_histogram: total %d\n", total);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("acc_counter_histogram: busiest bin %d with %d samples\n", w[per + 1], w[per]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
