// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: rma-conflict at=acc_int,acc_float ranks=0,0
// rmacheck-lint-expect: none
//
// One origin, two accumulates to the same bytes in one fence epoch: rank 0
// adds 1 to rank 1's counter with MPI_INT, then adds 1.0f to the same word
// with MPI_FLOAT. MPI orders accumulates from one origin only when they use
// the same basic datatype (accumulate_ordering, rma-semantics.md section
// 4), so the two updates race even though one process issued both.
// Fixed twin: race_acc_same_origin_types_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *counter;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &counter, &win);
    *counter = 0;
    MPI_Win_fence(0, win);
    if (rank == 0) {
        int one = 1;
        float onef = 1.0f;
        MPI_Accumulate(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, MPI_SUM, win);        // @acc_int
        MPI_Accumulate(&onef, 1, MPI_FLOAT, 1, 0, 1, MPI_FLOAT, MPI_SUM, win);   // @acc_float  BUG
    }
    MPI_Win_fence(0, win);
    if (rank == 1) printf("counter %d\n", *counter);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
