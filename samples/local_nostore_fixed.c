// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: none
//
// Fixed twin of local_nostore_bug.c: the fence after rank 1's store does
// not assert MPI_MODE_NOSTORE; the next one does, and only loads happened
// in between (a load keeps the promise).
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *slot, seen = 0, mine = 0;
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    slot[0] = rank;
    MPI_Win_fence(0, win);
    if (rank == 1)
        slot[0] = 100;
    MPI_Win_fence(0, win);
    mine = slot[0];
    MPI_Win_fence(MPI_MODE_NOSTORE, win);
    MPI_Get(&seen, 1, MPI_INT, 1 - rank, 0, 1, MPI_INT, win);
    MPI_Win_fence(0, win);
    printf("local_nostore_fixed: rank %d sees %d (own %d)\n", rank, seen, mine);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
