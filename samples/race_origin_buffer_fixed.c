// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_origin_get_send_bug.c, race_origin_get_get_bug.c and
// race_origin_put_recv_bug.c. Rank 0 collects a row from every other rank
// with MPI_Get into DISTINCT rows; after the fence completes the Gets it
// forwards rank 1's row to rank 2 with MPI_Send and puts its staged batch into
// rank 1's window; only after the fence completing that Put does it receive
// the next batch from rank 2 into the same staging buffer.
#include <mpi.h>
#include <stdio.h>

#define N 4
#define NR 3   // ranks

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "race_origin_buffer_fixed: %s\n", what);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int vals[N], rows[NR * N] = {0}, stage[N], fwd[N] = {0};
    for (int i = 0; i < N; i++)
        vals[i] = rank * 10 + i, stage[i] = rank * 100 + i;
    MPI_Win win;
    MPI_Win_create(vals, sizeof vals, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    if (rank == 0)
        for (int t = 1; t < NR; t++)
            MPI_Get(&rows[t * N], N, MPI_INT, t, 0, N, MPI_INT, win);
    MPI_Win_fence(0, win);   // the Gets are complete: rows are readable
    if (rank == 0) {
        MPI_Send(&rows[1 * N], N, MPI_INT, 2, 0, MPI_COMM_WORLD);
        MPI_Put(stage, N, MPI_INT, 1, 0, N, MPI_INT, win);
    } else if (rank == 2) {
        MPI_Recv(fwd, N, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);   // the Put is complete: stage is reusable
    if (rank == 0)
        MPI_Recv(stage, N, MPI_INT, 2, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    else if (rank == 2)
        MPI_Send(stage, N, MPI_INT, 0, 1, MPI_COMM_WORLD);

    for (int i = 0; i < N; i++) {
        if (rank == 0)
            check(rows[N + i] == 10 + i && rows[2 * N + i] == 20 + i && stage[i] == 200 + i, "rank 0 data");
        if (rank == 1)
            check(vals[i] == i, "rank 1 window");
        if (rank == 2)
            check(fwd[i] == 10 + i, "forwarded row");
    }
    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_origin_buffer_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
