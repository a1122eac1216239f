// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: target-local-conflict at=put,load_put ranks=0,1
// rmacheck-expect: target-local-conflict at=get,store_get ranks=0,1
// rmacheck-expect: target-local-conflict at=acc,load_acc ranks=0,1
// rmacheck-expect: target-local-conflict at=getacc,store_getacc ranks=0,1
// rmacheck-expect: target-local-conflict at=fop,load_fop ranks=0,1
// rmacheck-expect: target-local-conflict at=cas,store_cas ranks=0,1
//
// Rank 1 owns the window; in one fence epoch rank 0 reaches six of its
// slots with the six RMA operations while rank 1 reads or writes the same
// slots with plain loads and stores. Within a fence epoch the owner must
// not load what another process writes nor store to what another process
// accesses: each pair below is a race (the printed values depend on timing).
// Built with `rmacheck mpicc`. Fixed twin: local_target_fence_fixed.c.
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

    MPI_Win_fence(0, win);
    if (rank == 0) {
        MPI_Put(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, win);                                  // @put
        MPI_Get(&got[0], 1, MPI_INT, 1, 1, 1, MPI_INT, win);                               // @get
        MPI_Accumulate(&one, 1, MPI_INT, 1, 2, 1, MPI_INT, MPI_SUM, win);                  // @acc
        MPI_Get_accumulate(&one, 1, MPI_INT, &got[1], 1, MPI_INT, 1, 3, 1, MPI_INT, MPI_SUM, win);  // @getacc
        MPI_Fetch_and_op(&one, &got[2], MPI_INT, 1, 4, MPI_SUM, win);                      // @fop
        MPI_Compare_and_swap(&two, &one, &got[3], MPI_INT, 1, 5, win);                     // @cas
    } else {
        sum += slot[0];  // @load_put BUG: the Put may land while rank 1 reads
        slot[1] = 10;    // @store_get BUG: the Get may read before or after this store
        sum += slot[2];  // @load_acc
        slot[3] = 30;    // @store_getacc
        sum += slot[4];  // @load_fop
        slot[5] = 50;    // @store_cas
    }
    MPI_Win_fence(0, win);
    if (rank == 1)
        printf("local_target_fence_bug: sum %ld, slots %d %d\n", sum, slot[0], slot[2]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
