// rmacheck-sample: ranks=3 timeout=60
// rmacheck-sample[mpich]: skip=MPICH 4.0.2 ch4:ucx on this machine overwrites the target rank's stack next to this small MPI_Win_create window (the MPI_Win variable: its MPI_Win_lock then fails with Invalid MPI_Win), without rmacheck too
// rmacheck-expect: rma-conflict at=put,put2 ranks=0,1
// rmacheck-lint-expect: none
//
// Like race_msg_order_fixed.c, but rank 0 sends the "defaults are in place"
// token BEFORE closing its lock epoch. A Put is complete at the target only
// when MPI_Win_unlock (or MPI_Win_flush) returns at the origin, so when rank 1
// receives the token rank 0's Put may still be in flight: rank 1's Put of the
// same bytes races with it although a message was exchanged.
#include <mpi.h>
#include <stdio.h>

#define N 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, token = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int config[N] = {0};
    MPI_Win win;
    MPI_Win_create(config, sizeof config, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int defaults[N] = {1, 1, 1}, custom[N] = {5, 6, 7};
    if (rank == 0) {
        MPI_Win_lock(MPI_LOCK_SHARED, 2, 0, win);
        MPI_Put(defaults, N, MPI_INT, 2, 0, N, MPI_INT, win);  // @put
        MPI_Send(&token, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);   // BUG: before the unlock completes the Put
        MPI_Win_unlock(2, win);
    } else if (rank == 1) {
        MPI_Recv(&token, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Win_lock(MPI_LOCK_SHARED, 2, 0, win);
        MPI_Put(custom, N, MPI_INT, 2, 0, N, MPI_INT, win);  // @put2
        MPI_Win_unlock(2, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 2) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);
        printf("race_msg_before_unlock_bug: config %d %d %d\n", config[0], config[1], config[2]);
        MPI_Win_unlock(2, win);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
