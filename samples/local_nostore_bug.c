// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: assert-violation at=fence,store
//
// Each rank refreshes slot 0 of its own window, then closes the epoch with
// a fence that asserts MPI_MODE_NOSTORE ("the local window was not updated
// by local stores since the last synchronization"). The store breaks the
// promise: an implementation may skip making it visible to the Gets of the
// next epoch. Fixed twin: local_nostore_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *slot, seen = 0;
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    slot[0] = rank;
    MPI_Win_fence(0, win);
    if (rank == 1)
        slot[0] = 100;                        // @store
    MPI_Win_fence(MPI_MODE_NOSTORE, win);     // @fence BUG: rank 1 stored since the last fence
    MPI_Get(&seen, 1, MPI_INT, 1 - rank, 0, 1, MPI_INT, win);
    MPI_Win_fence(0, win);
    printf("local_nostore_bug: rank %d sees %d\n", rank, seen);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
