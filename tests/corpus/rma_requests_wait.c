// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: request-based RMA in one lock_all epoch. Every rank reads a block
// from each other rank with MPI_Rget and completes them with MPI_Waitall
// (the data has arrived), then writes a reply block to each with MPI_Rput,
// waits for the requests (origin buffers reusable) and calls
// MPI_Win_flush_all before the barrier that tells the targets their replies
// are there (request completion does not complete an Rput at the target).
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define B 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    // Window: [0, B) my published block, then one reply block of B per rank.
    int *w;
    MPI_Win win;
    MPI_Win_allocate((B + size * B) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &w, &win);
    for (int i = 0; i < B; i++)
        w[i] = rank * 10 + i;
    for (int i = B; i < B + size * B; i++)
        w[i] = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    int *got = malloc(size * B * sizeof(int)), *reply = malloc(size * B * sizeof(int));
    MPI_Request *reqs = malloc(size * sizeof(MPI_Request));
    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    for (int r = 0; r < size; r++)
        MPI_Rget(&got[r * B], B, MPI_INT, r, 0, B, MPI_INT, win, &reqs[r]);
    MPI_Waitall(size, reqs, MPI_STATUSES_IGNORE);
    for (int r = 0; r < size; r++)
        for (int i = 0; i < B; i++)
            reply[r * B + i] = got[r * B + i] + 1000 * rank;
    for (int r = 0; r < size; r++)
        MPI_Rput(&reply[r * B], B, MPI_INT, r, B + rank * B, B, MPI_INT, win, &reqs[r]);
    MPI_Waitall(size, reqs, MPI_STATUSES_IGNORE);
    MPI_Win_flush_all(win);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_unlock_all(win);

    for (int r = 0; r < size; r++)
        for (int i = 0; i < B; i++)
            if (w[B + r * B + i] != rank * 10 + i + 1000 * r) {
                fprintf(stderr, "rma_requests_wait: rank %d reply %d[%d] = %d\n", rank, r, i, w[B + r * B + i]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
    if (rank == 0)
        printf("rma_requests_wait: all replies arrived\n");
    free(got), free(reply), free(reqs);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
