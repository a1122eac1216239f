// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: assert-violation at=win_lock,win_lock2
// rmacheck-lint-expect: none
//
// Rank 0 fills its part of a result table on rank 2 under an exclusive lock
// with MPI_MODE_NOCHECK, which promises that no other process holds or
// requests a conflicting lock meanwhile, so MPI skips the locking. But in
// the same phase rank 1 also takes an exclusive lock on rank 2 to write its
// part: the promise is broken and the two "exclusive" epochs overlap. (The
// barriers stand for the application's phases.)
// Fixed twin: epoch_nocheck_lock_fixed.c.
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
    if (rank == 0)   // BUG: rank 1 locks rank 2 too
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, MPI_MODE_NOCHECK, win);  // @win_lock
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);  // @win_lock2
    if (rank < 2)
        MPI_Put(&value, 1, MPI_INT, 2, rank, 1, MPI_INT, win);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank < 2)
        MPI_Win_unlock(2, win);

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 2)
        printf("epoch_nocheck_lock: table %d %d\n", table[0], table[1]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
