// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: target-local-conflict at=put,load_put ranks=0,1
// rmacheck-expect: target-local-conflict at=get,store_get ranks=0,1
// rmacheck-expect: target-local-conflict at=acc,load_acc ranks=0,1
// rmacheck-expect: target-local-conflict at=getacc,store_getacc ranks=0,1
// rmacheck-expect: target-local-conflict at=fop,load_fop ranks=0,1
// rmacheck-expect: target-local-conflict at=cas,store_cas ranks=0,1
//
// Post/start/complete/wait: rank 1 exposes its window to rank 0 with
// MPI_Win_post and touches the exposed slots before MPI_Win_wait, while
// rank 0's access epoch may be updating them.
// Fixed twin: local_target_pscw_fixed.c (the accesses after MPI_Win_wait).
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
    MPI_Group world, peer;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int other = 1 - rank;
    MPI_Group_incl(world, 1, &other, &peer);
    if (rank == 0) {
        MPI_Win_start(peer, 0, win);
        MPI_Put(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, win);                                  // @put
        MPI_Get(&got[0], 1, MPI_INT, 1, 1, 1, MPI_INT, win);                               // @get
        MPI_Accumulate(&one, 1, MPI_INT, 1, 2, 1, MPI_INT, MPI_SUM, win);                  // @acc
        MPI_Get_accumulate(&one, 1, MPI_INT, &got[1], 1, MPI_INT, 1, 3, 1, MPI_INT, MPI_SUM, win);  // @getacc
        MPI_Fetch_and_op(&one, &got[2], MPI_INT, 1, 4, MPI_SUM, win);                      // @fop
        MPI_Compare_and_swap(&two, &one, &got[3], MPI_INT, 1, 5, win);                     // @cas
        MPI_Win_complete(win);
    } else {
        MPI_Win_post(peer, 0, win);
        sum += slot[0];  // @load_put BUG: exposed, not yet waited for
        slot[1] = 10;    // @store_get
        sum += slot[2];  // @load_acc
        slot[3] = 30;    // @store_getacc
        sum += slot[4];  // @load_fop
        slot[5] = 50;    // @store_cas
        MPI_Win_wait(win);
    }
    printf("local_target_pscw_bug: rank %d sum %ld\n", rank, sum + got[0]);
    MPI_Group_free(&peer);
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
