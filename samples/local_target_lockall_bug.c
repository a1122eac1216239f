// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: target-local-conflict at=put,load_put ranks=0,1
// rmacheck-expect: target-local-conflict at=get,store_get ranks=0,1
// rmacheck-expect: target-local-conflict at=acc,load_acc ranks=0,1
// rmacheck-expect: target-local-conflict at=getacc,store_getacc ranks=0,1
// rmacheck-expect: target-local-conflict at=fop,load_fop ranks=0,1
// rmacheck-expect: target-local-conflict at=cas,store_cas ranks=0,1
//
// A lock_all epoch for the whole run: rank 0 updates rank 1's slots and
// completes each operation with MPI_Win_flush, but a flush completes the
// operation for rank 0 only; rank 1 learns nothing of it and touches the
// same slots meanwhile. Fixed twin: local_target_lockall_fixed.c (rank 0
// sends a message after the flush, rank 1 receives it before its accesses).
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
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, win);
    if (rank == 0) {
        MPI_Put(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, win);                                  // @put
        MPI_Get(&got[0], 1, MPI_INT, 1, 1, 1, MPI_INT, win);                               // @get
        MPI_Accumulate(&one, 1, MPI_INT, 1, 2, 1, MPI_INT, MPI_SUM, win);                  // @acc
        MPI_Get_accumulate(&one, 1, MPI_INT, &got[1], 1, MPI_INT, 1, 3, 1, MPI_INT, MPI_SUM, win);  // @getacc
        MPI_Fetch_and_op(&one, &got[2], MPI_INT, 1, 4, MPI_SUM, win);                      // @fop
        MPI_Compare_and_swap(&two, &one, &got[3], MPI_INT, 1, 5, win);                     // @cas
        MPI_Win_flush(1, win);
    } else {
        sum += slot[0];  // @load_put BUG: rank 0's flush does not order anything with rank 1
        slot[1] = 10;    // @store_get
        sum += slot[2];  // @load_acc
        slot[3] = 30;    // @store_getacc
        sum += slot[4];  // @load_fop
        slot[5] = 50;    // @store_cas
    }
    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);
    printf("local_target_lockall_bug: rank %d sum %ld\n", rank, sum + got[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
