// rmacheck-sample: ranks=3 timeout=60
// rmacheck-sample[mpich]: skip=MPICH 4.0.2 ch4:ucx on this machine gives this correct program wrong window data without rmacheck too (its own check fails in 3 of 3 runs, also with MPIR_CVAR_NOLOCAL=1)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_shared_lock_bug.c: ranks 0 and 2 each overwrite rank 1's
// owner record {rank, generation} with MPI_Put inside an MPI_LOCK_EXCLUSIVE
// epoch on rank 1. Exclusive epochs on one target never overlap, so the two
// Puts are ordered (in either order) and the record is never torn.
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
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Put(mine, 2, MPI_INT, 1, 0, 2, MPI_INT, win);
        MPI_Win_unlock(1, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);   // both epochs are closed

    if (rank == 1) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        int who = owner[0], gen = owner[1];
        MPI_Win_unlock(1, win);
        if ((who != 0 && who != 2) || gen != 100 + who) {
            fprintf(stderr, "race_exclusive_lock_fixed: torn record {%d, %d}\n", who, gen);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        printf("race_exclusive_lock_fixed: OK (owner %d)\n", who);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
