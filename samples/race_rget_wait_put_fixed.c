// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// MPI-3.1 Example 11.21: rank 0 reads a counter of rank 1 with MPI_Rget,
// waits for the request, and writes the incremented value back with MPI_Put,
// all in one lock epoch. The wait means the Rget's data has arrived, so its
// read of the target is over before the Put is issued: they do not
// conflict. The same holds for an MPI_NO_OP MPI_Rget_accumulate. Buggy twin:
// race_rget_nowait_put_bug.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *counter;
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &counter, &win);
    counter[0] = 41, counter[1] = 7;
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        int value = 0, other = 0;
        MPI_Request req;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Rget(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        value += 1;
        MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Rget_accumulate(NULL, 0, MPI_INT, &other, 1, MPI_INT, 1, 1, 1, MPI_INT, MPI_NO_OP, win, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        other *= 2;
        MPI_Put(&other, 1, MPI_INT, 1, 1, 1, MPI_INT, win);
        MPI_Win_unlock(1, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("race_rget_wait_put_fixed: counter %d %d\n", counter[0], counter[1]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
