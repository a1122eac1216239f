// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: RMA with MPI_PROC_NULL neighbours at the edges of a line. Put, Get
// and Accumulate to MPI_PROC_NULL are no-ops (MPI-3.1 11.3), in fence epochs
// and in a lock_all epoch, including the request-based MPI_Rput and
// MPI_Rget, whose requests must still be completed (Open MPI hands back one
// shared request for all of them).
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    const int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;

    int *w;  // [0] from the left, [1] from the right, [2] sum of both neighbours' ranks, [3] readable
    MPI_Win win;
    MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &w, &win);
    w[0] = w[1] = -1, w[2] = 0, w[3] = 100 + rank;

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&rank, 1, MPI_INT, right, 0, 1, MPI_INT, win);
    MPI_Put(&rank, 1, MPI_INT, left, 1, 1, MPI_INT, win);
    MPI_Accumulate(&rank, 1, MPI_INT, left, 2, 1, MPI_INT, MPI_SUM, win);
    MPI_Accumulate(&rank, 1, MPI_INT, right, 2, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    int from_left = -7, from_right = -7;
    MPI_Request reqs[4];
    MPI_Win_lock_all(0, win);
    MPI_Rget(&from_left, 1, MPI_INT, left, 3, 1, MPI_INT, win, &reqs[0]);
    MPI_Rget(&from_right, 1, MPI_INT, right, 3, 1, MPI_INT, win, &reqs[1]);
    MPI_Rput(&w[3], 1, MPI_INT, MPI_PROC_NULL, 3, 1, MPI_INT, win, &reqs[2]);
    MPI_Rput(&w[3], 1, MPI_INT, MPI_PROC_NULL, 3, 1, MPI_INT, win, &reqs[3]);
    MPI_Waitall(4, reqs, MPI_STATUSES_IGNORE);
    MPI_Win_unlock_all(win);

    const int want_sum = (left == MPI_PROC_NULL ? 0 : left) + (right == MPI_PROC_NULL ? 0 : right);
    if (w[2] != want_sum || w[0] != (left == MPI_PROC_NULL ? -1 : left) ||
        (left != MPI_PROC_NULL && from_left != 100 + left) || (right == MPI_PROC_NULL && from_right != -7)) {
        fprintf(stderr, "rma_proc_null_edges: rank %d w %d %d %d, got %d %d\n", rank, w[0], w[1], w[2], from_left,
                from_right);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("rma_proc_null_edges: ok\n");
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
