// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a node-local shared-memory window (MPI_Win_allocate_shared on the
// communicator of MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)). Each rank
// writes its own segment with plain stores, synchronizes with the classic
// lock_all + MPI_Win_sync + barrier + MPI_Win_sync sequence, and then reads
// its neighbour's segment directly through the pointer MPI_Win_shared_query
// returns. A second phase updates the neighbour's segment with MPI_Put and
// MPI_Win_flush before the barrier.
#include <mpi.h>
#include <stdio.h>

#define N 16

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int rank, size;
    MPI_Comm_rank(node, &rank);
    MPI_Comm_size(node, &size);
    const int right = (rank + 1) % size, left = (rank + size - 1) % size;

    double *mine;
    MPI_Win win;
    MPI_Win_allocate_shared(2 * N * sizeof(double), sizeof(double), MPI_INFO_NULL, node, &mine, &win);
    MPI_Aint seg_size;
    int disp_unit;
    double *theirs;
    MPI_Win_shared_query(win, right, &seg_size, &disp_unit, &theirs);

    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    for (int i = 0; i < N; i++)
        mine[i] = rank + i * 0.5;
    MPI_Win_sync(win);
    MPI_Barrier(node);
    MPI_Win_sync(win);
    double sum = 0;
    for (int i = 0; i < N; i++)
        sum += theirs[i];

    // Phase 2: put into the upper half of the right neighbour's segment.
    double out[N];
    for (int i = 0; i < N; i++)
        out[i] = 100 * rank + i;
    MPI_Put(out, N, MPI_DOUBLE, right, N, N, MPI_DOUBLE, win);
    MPI_Win_flush(right, win);
    MPI_Barrier(node);
    MPI_Win_sync(win);
    MPI_Win_unlock_all(win);

    if (mine[N + 3] != 100 * left + 3 || sum != right * N + 0.5 * N * (N - 1) / 2) {
        fprintf(stderr, "shared_window_query: rank %d got %g, sum %g\n", rank, mine[N + 3], sum);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("shared_window_query: %d ranks share the window\n", size);
    MPI_Win_free(&win);
    MPI_Comm_free(&node);
    MPI_Finalize();
    return 0;
}
