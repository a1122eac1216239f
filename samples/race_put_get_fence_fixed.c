// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_put_get_fence_bug.c: rank 0 publishes new parameters in
// rank 1's window with MPI_Put, a fence completes the Put everywhere, and
// only then, in the next epoch, rank 2 fetches them with MPI_Get. Every
// write/read pair of rank 1's bytes is separated by a fence.
#include <mpi.h>
#include <stdio.h>

#define N 4
#define STEPS 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    double params[N] = {0};
    MPI_Win win;
    MPI_Win_create(params, sizeof params, sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    double update[N], seen[N] = {0};
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    for (int step = 1; step <= STEPS; step++) {
        for (int i = 0; i < N; i++)
            update[i] = step + 0.25 * i;
        if (rank == 0)
            MPI_Put(update, N, MPI_DOUBLE, 1, 0, N, MPI_DOUBLE, win);
        MPI_Win_fence(0, win);   // the update is now complete at rank 1
        if (rank == 2)
            MPI_Get(seen, N, MPI_DOUBLE, 1, 0, N, MPI_DOUBLE, win);
        MPI_Win_fence(0, win);   // the Get is complete: seen is readable
        if (rank == 2 && (seen[0] != step || seen[N - 1] != step + 0.25 * (N - 1))) {
            fprintf(stderr, "race_put_get_fence_fixed: step %d got %.2f\n", step, seen[0]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_put_get_fence_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
