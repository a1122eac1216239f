// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_same_origin_noflush_bug.c and
// race_same_origin_flush_local_bug.c: rank 0 writes a row into rank 1's table
// with MPI_Put, completes it at the target with MPI_Win_flush, and only then
// reads it back with MPI_Get in the same exclusive lock epoch.
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
        MPI_Put(row, N, MPI_INT, 1, 0, N, MPI_INT, win);
        MPI_Win_flush(1, win);   // the Put is complete at rank 1
        MPI_Get(back, N, MPI_INT, 1, 0, N, MPI_INT, win);   // read back to verify the write
        MPI_Win_unlock(1, win);
        for (int i = 0; i < N; i++)
            if (back[i] != row[i]) {
                fprintf(stderr, "race_same_origin_flush_fixed: slot %d reads %d\n", i, back[i]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        printf("race_same_origin_flush_fixed: OK\n");
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
