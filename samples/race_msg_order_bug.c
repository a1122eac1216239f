// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put,put2 ranks=0,1
// rmacheck-lint-expect: none
//
// Hand-over of a configuration block on rank 2 without the hand-over: rank 0
// writes the defaults with MPI_Put and rank 1 overrides the same block with
// its own MPI_Put, each in a shared lock epoch on rank 2, and nothing orders
// rank 1's epoch after rank 0's (no token message as in
// race_msg_order_fixed.c). Shared lock epochs do not exclude each other: the
// Puts race and the block may end up with the defaults or a mix.
#include <mpi.h>
#include <stdio.h>

#define N 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int config[N] = {0};
    MPI_Win win;
    MPI_Win_create(config, sizeof config, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int defaults[N] = {1, 1, 1}, custom[N] = {5, 6, 7};
    if (rank == 0) {
        MPI_Win_lock(MPI_LOCK_SHARED, 2, 0, win);
        MPI_Put(defaults, N, MPI_INT, 2, 0, N, MPI_INT, win);  // @put
        MPI_Win_unlock(2, win);
    } else if (rank == 1) {
        // BUG: does not wait for rank 0 to finish writing the defaults
        MPI_Win_lock(MPI_LOCK_SHARED, 2, 0, win);
        MPI_Put(custom, N, MPI_INT, 2, 0, N, MPI_INT, win);  // @put2
        MPI_Win_unlock(2, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 2) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);
        printf("race_msg_order_bug: config %d %d %d\n", config[0], config[1], config[2]);
        MPI_Win_unlock(2, win);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
