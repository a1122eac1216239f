// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Rank 0 publishes a configuration value; the other ranks read it with
// MPI_Get under a shared lock, and only they unlock.
// Fixed twin of epoch_unlock_without_lock_bug.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *config;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &config, &win);
    *config = 42;   // before the barrier: nobody reads it yet
    MPI_Barrier(MPI_COMM_WORLD);

    int value = -1;
    if (rank != 0) {
        MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
        MPI_Get(&value, 1, MPI_INT, 0, 0, 1, MPI_INT, win);
        MPI_Win_unlock(0, win);   // value is valid from here on
        if (value != 42)
            MPI_Abort(MPI_COMM_WORLD, 1);
    }

    MPI_Win_free(&win);
    if (rank == 0)
        printf("epoch_unlock_without_lock_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
