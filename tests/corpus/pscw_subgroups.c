// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: general active target synchronization with groups of several
// ranks. The even ranks are servers that expose their window to all odd
// ranks (MPI_Win_post with the group of odd ranks); the odd ranks are
// clients that access every server (MPI_Win_start with the group of even
// ranks) and deposit their rank into their own slot with MPI_Put. Then the
// roles swap for a second epoch in which the odd ranks are read.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static MPI_Group parity_group(MPI_Group world, int size, int parity)
{
    int n = 0, *ranks = malloc(size * sizeof(int));
    for (int r = parity; r < size; r += 2)
        ranks[n++] = r;
    MPI_Group g;
    MPI_Group_incl(world, n, ranks, &g);
    free(ranks);
    return g;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int *slots;
    MPI_Win win;
    MPI_Win_allocate(size * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slots, &win);
    for (int i = 0; i < size; i++)
        slots[i] = -1;
    MPI_Group world, even, odd;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    even = parity_group(world, size, 0);
    odd = parity_group(world, size, 1);
    MPI_Barrier(MPI_COMM_WORLD);

    // Epoch 1: odd clients put into even servers.
    if (rank % 2 == 0) {
        MPI_Win_post(odd, 0, win);
        MPI_Win_wait(win);
    } else {
        MPI_Win_start(even, 0, win);
        for (int s = 0; s < size; s += 2)
            MPI_Put(&rank, 1, MPI_INT, s, rank, 1, MPI_INT, win);
        MPI_Win_complete(win);
    }
    // Epoch 2: even ranks read what the odd ranks hold.
    int got[64];
    if (rank % 2 == 1) {
        MPI_Win_post(even, MPI_MODE_NOPUT, win);
        MPI_Win_wait(win);
    } else {
        MPI_Win_start(odd, 0, win);
        for (int s = 1; s < size; s += 2)
            MPI_Get(&got[s], 1, MPI_INT, s, s, 1, MPI_INT, win);
        MPI_Win_complete(win);
    }

    int bad = 0;
    if (rank % 2 == 0) {
        for (int r = 1; r < size; r += 2)
            bad += slots[r] != r || got[r] != -1;
    }
    if (bad) {
        fprintf(stderr, "pscw_subgroups: rank %d saw %d wrong slots\n", rank, bad);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("pscw_subgroups: ok\n");
    MPI_Group_free(&even);
    MPI_Group_free(&odd);
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
