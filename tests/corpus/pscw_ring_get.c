// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a one-sided ring pipeline with post/start/complete/wait. In each
// step every rank exposes its buffer to its right neighbour (who reads it
// with MPI_Get) and accesses its left neighbour: post to {right}, start on
// {left}, Get, complete, wait. The value read becomes the next step's buffer
// only after the wait, so nobody writes exposed memory during an epoch.
#include <mpi.h>
#include <stdio.h>

#define N 8

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = (rank + size - 1) % size, right = (rank + 1) % size;

    long buf[N], in[N];
    for (int i = 0; i < N; i++)
        buf[i] = rank * 100 + i;
    MPI_Win win;
    MPI_Win_create(buf, sizeof buf, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Group world, left_g, right_g;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    MPI_Group_incl(world, 1, &left, &left_g);
    MPI_Group_incl(world, 1, &right, &right_g);

    for (int step = 0; step < size; step++) {
        MPI_Win_post(right_g, MPI_MODE_NOPUT, win);
        MPI_Win_start(left_g, 0, win);
        MPI_Get(in, N, MPI_LONG, left, 0, N, MPI_LONG, win);
        MPI_Win_complete(win);
        MPI_Win_wait(win);
        for (int i = 0; i < N; i++)
            buf[i] = in[i];
    }
    // After size steps every value has travelled once around the ring.
    for (int i = 0; i < N; i++)
        if (buf[i] != rank * 100 + i) {
            fprintf(stderr, "pscw_ring_get: rank %d buf[%d]=%ld\n", rank, i, buf[i]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    if (rank == 0)
        printf("pscw_ring_get: ring of %d ok\n", size);
    MPI_Group_free(&left_g);
    MPI_Group_free(&right_g);
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
