// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Ranks 0 and 1 each fill their part of a result table on rank 2 under an
// exclusive lock. Both really lock (no MPI_MODE_NOCHECK, since the other
// one competes for the same lock), and neither waits for the other while
// holding its lock. Fixed twin of epoch_nocheck_lock_bug.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *table;
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &table, &win);
    table[0] = table[1] = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    int value = rank + 10;
    if (rank < 2) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);
        MPI_Put(&value, 1, MPI_INT, 2, rank, 1, MPI_INT, win);
        MPI_Win_unlock(2, win);
    }

    MPI_Barrier(MPI_COMM_WORLD);   // both Puts are complete at rank 2
    if (rank == 2) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);
        int a = table[0], b = table[1];
        MPI_Win_unlock(2, win);
        if (a != 10 || b != 11)
            MPI_Abort(MPI_COMM_WORLD, 1);
        printf("epoch_nocheck_lock_fixed: OK\n");
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
