// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put,get ranks=0,2
// rmacheck-lint-expect: none
//
// Rank 1 keeps a block of simulation parameters in its window. In each step
// rank 0 publishes new parameters with MPI_Put and rank 2 fetches them with
// MPI_Get -- but in the SAME fence epoch, so the Get may see the old values,
// the new ones or a mix: the Put (write) and the Get (read) of bytes [0,32)
// of rank 1's window are not ordered. See race_put_get_fence_fixed.c.
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
            MPI_Put(update, N, MPI_DOUBLE, 1, 0, N, MPI_DOUBLE, win);  // @put
        if (rank == 2)
            MPI_Get(seen, N, MPI_DOUBLE, 1, 0, N, MPI_DOUBLE, win);   // @get BUG: same epoch as the Put
        MPI_Win_fence(0, win);
        if (rank == 2)
            printf("race_put_get_fence_bug: step %d sees %.2f\n", step, seen[0]);
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
