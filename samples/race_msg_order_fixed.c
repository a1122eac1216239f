// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Hand-over of a configuration block on rank 2: rank 0 writes the defaults
// with MPI_Put in a shared lock epoch on rank 2, closes it (MPI_Win_unlock
// returns only when the Put is complete at rank 2) and then sends a token to
// rank 1 (MPI_Send). Rank 1 receives the token and only then overrides the
// same block with its own MPI_Put. unlock -> send -> recv orders the two
// Puts although both epochs are shared. See race_msg_order_bug.c and
// race_msg_before_unlock_bug.c.
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
        MPI_Put(defaults, N, MPI_INT, 2, 0, N, MPI_INT, win);
        MPI_Win_unlock(2, win);
        MPI_Send(&token, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);   // "defaults are in place"
    } else if (rank == 1) {
        MPI_Recv(&token, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Win_lock(MPI_LOCK_SHARED, 2, 0, win);
        MPI_Put(custom, N, MPI_INT, 2, 0, N, MPI_INT, win);
        MPI_Win_unlock(2, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 2) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 2, 0, win);
        int c0 = config[0], c1 = config[1], c2 = config[2];
        MPI_Win_unlock(2, win);
        if (c0 != 5 || c1 != 6 || c2 != 7) {
            fprintf(stderr, "race_msg_order_fixed: config %d %d %d\n", c0, c1, c2);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        printf("race_msg_order_fixed: OK\n");
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
