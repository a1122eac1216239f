// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: target-local-conflict at=neighbour_store,own_load ranks=0,1
//
// A shared-memory window (MPI_Win_allocate_shared): rank 1 finds rank 0's
// segment with MPI_Win_shared_query and stores into it directly, while
// rank 0 reads its own segment. Those are a load and a store of rank 0's
// memory by two processes, and nothing orders them.
// Fixed twin: local_shared_fixed.c (Win_sync, barrier, Win_sync).
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int *mine;
    MPI_Win win;
    MPI_Win_allocate_shared(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, node, &mine, &win);
    MPI_Aint size;
    int unit, *seg0;
    MPI_Win_shared_query(win, 0, &size, &unit, &seg0);
    mine[0] = 0;
    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    MPI_Barrier(node);
    int seen = 0;
    if (rank == 1)
        seg0[0] = 42;  // @neighbour_store BUG: rank 0 may be reading it
    else
        seen = mine[0];  // @own_load
    MPI_Win_unlock_all(win);
    MPI_Barrier(node);
    printf("local_shared_bug: rank %d saw %d\n", rank, seen);
    MPI_Win_free(&win);
    MPI_Comm_free(&node);
    MPI_Finalize();
    return 0;
}
