// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: rma-conflict at=put,get ranks=0
// rmacheck-lint-expect: none
//
// Rank 0 writes a row into rank 1's table with MPI_Put and reads it back with
// MPI_Get to verify it, in one exclusive lock epoch. Two RMA operations from
// the same origin to the same target are not ordered by program order (only
// accumulates are): without MPI_Win_flush between them the Get may read the
// bytes before the Put has written them. See race_same_origin_flush_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define N 8

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int table[N] = {0};
    MPI_Win win;
    MPI_Win_create(table, sizeof table, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    if (rank == 0) {
        int row[N], back[N];
        for (int i = 0; i < N; i++)
            row[i] = 10 * i + 1;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Put(row, N, MPI_INT, 1, 0, N, MPI_INT, win);  // @put
        MPI_Get(back, N, MPI_INT, 1, 0, N, MPI_INT, win);   // @get BUG: no MPI_Win_flush before the read-back
        MPI_Win_unlock(1, win);
        printf("%s: read back %d ... %d\n", argv[0], back[0], back[N - 1]);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
