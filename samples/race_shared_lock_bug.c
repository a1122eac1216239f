// rmacheck-sample: ranks=3 timeout=60
// rmacheck-sample[mpich]: skip=MPICH 4.0.2 ch4:ucx on this machine overwrites the target rank's stack next to this small MPI_Win_create window (the MPI_Win variable: its MPI_Win_lock then fails with Invalid MPI_Win), without rmacheck too
// rmacheck-expect: rma-conflict at=put ranks=0,2
// rmacheck-lint-expect: none
//
// Rank 1 keeps an "owner" record {rank, generation} that the other ranks
// overwrite when they take over a job. Ranks 0 and 2 each write the record
// with MPI_Put inside an MPI_LOCK_SHARED epoch on rank 1. Shared lock
// epochs do not exclude each other, so the two Puts to bytes [0,8) race
// (the record may end up torn: rank from one writer, generation from the
// other). Both accesses are the same source line. An exclusive lock fixes
// it, see race_exclusive_lock_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int owner[2] = {-1, 0};
    MPI_Win win;
    MPI_Win_create(owner, sizeof owner, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    if (rank != 1) {
        int mine[2] = {rank, 100 + rank};
        MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);   // BUG: writers need MPI_LOCK_EXCLUSIVE
        MPI_Put(mine, 2, MPI_INT, 1, 0, 2, MPI_INT, win);  // @put
        MPI_Win_unlock(1, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 1) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        printf("race_shared_lock_bug: owner %d generation %d\n", owner[0], owner[1]);
        MPI_Win_unlock(1, win);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
