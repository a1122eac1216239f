// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: rma-conflict at=rget,put ranks=0
// rmacheck-lint-expect: none
//
// Buggy twin of race_rget_wait_put_fixed.c: rank 0 issues MPI_Rget on rank
// 1's counter and then MPI_Put to the same int before waiting for the
// request. Operations of one origin are unordered until completed, so the
// Put may land before the Rget has read the old value.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *counter;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &counter, &win);
    *counter = 41;
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        int value = 0, next = 100;
        MPI_Request req;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Rget(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win, &req);  // @rget
        MPI_Put(&next, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put
        MPI_Wait(&req, MPI_STATUS_IGNORE);  // BUG: too late, the Put was already issued
        MPI_Win_unlock(1, win);
        printf("race_rget_nowait_put_bug: read %d\n", value);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
