// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: none
//
// Fixed twin of local_target_lock_bug.c: rank 1 writes its slots before the
// barrier that precedes rank 0's lock epochs, and reads them after the barrier
// that follows rank 0's last MPI_Win_unlock: the barrier orders the remote
// epochs with the owner's loads and stores.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *slot;
    MPI_Win win;
    MPI_Win_allocate(8 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int i = 0; i < 8; i++)
        slot[i] = i;
    int one = 1, two = 2, got[4] = {0};
    long sum = 0;
    if (rank == 1) {
        slot[1] = 10;
        slot[3] = 30;
        slot[5] = 50;
    }
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);
        MPI_Put(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Get(&got[0], 1, MPI_INT, 1, 1, 1, MPI_INT, win);
        MPI_Fetch_and_op(&one, &got[2], MPI_INT, 1, 4, MPI_SUM, win);
        MPI_Win_unlock(1, win);
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Accumulate(&one, 1, MPI_INT, 1, 2, 1, MPI_INT, MPI_SUM, win);
        MPI_Get_accumulate(&one, 1, MPI_INT, &got[1], 1, MPI_INT, 1, 3, 1, MPI_INT, MPI_SUM, win);
        MPI_Compare_and_swap(&two, &one, &got[3], MPI_INT, 1, 5, win);
        MPI_Win_unlock(1, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        sum = slot[0] + slot[2] + slot[4];
    printf("local_target_lock_fixed: rank %d sum %ld\n", rank, sum + got[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
