// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: none
//
// Fixed twin of local_shared_bug.c: rank 1 stores into rank 0's segment,
// then MPI_Win_sync, a barrier and MPI_Win_sync order the store before
// rank 0's load of its own segment (MPI-3.1 11.7, example 11.21).
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
        seg0[0] = 42;
    MPI_Win_sync(win);
    MPI_Barrier(node);
    MPI_Win_sync(win);
    if (rank == 0)
        seen = mine[0];
    MPI_Win_unlock_all(win);
    MPI_Barrier(node);
    printf("local_shared_fixed: rank %d saw %d\n", rank, seen);
    MPI_Win_free(&win);
    MPI_Comm_free(&node);
    MPI_Finalize();
    return 0;
}
