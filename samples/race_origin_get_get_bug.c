// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: origin-buffer-conflict at=get ranks=0
// rmacheck-lint-expect: origin-buffer-conflict at=get
//
// Rank 0 collects one row from every other rank with MPI_Get in one fence
// epoch, but passes the same destination `row` to every Get instead of
// &rows[t * N]. The Gets are all pending until the closing fence, and each
// writes the same origin buffer: an origin buffer conflict between the Gets
// (one source line, in a loop). See race_origin_buffer_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define N 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int vals[N];
    for (int i = 0; i < N; i++)
        vals[i] = rank * 10 + i;
    MPI_Win win;
    MPI_Win_create(vals, sizeof vals, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int row[N] = {0};
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    if (rank == 0)
        for (int t = 1; t < size; t++)
            MPI_Get(row, N, MPI_INT, t, 0, N, MPI_INT, win);   // @get BUG: every Get lands in `row`
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0)
        printf("race_origin_get_get_bug: row starts with %d\n", row[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
