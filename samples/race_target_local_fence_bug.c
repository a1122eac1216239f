// rmacheck-sample: ranks=4 timeout=60 build=instrumented
// rmacheck-expect: target-local-conflict at=put,load
// rmacheck-lint-expect: target-local-conflict at=put,load
//
// BUG: a ring shift through a window. In each step every rank Puts its
// value into element 0 of its right neighbour's window, and then, in the
// same fence epoch, reads element 0 of its own window to add up what came
// from the left. That element is exactly what the left neighbour's Put
// writes in this epoch: the load races with it (it may see this step's
// value or the previous one). Only the closing fence makes the Put visible.
// Every rank runs the same MPI_Put(..., right, 0, ...), so lint sees that
// another rank's Put addresses this rank's element 0 while this rank loads
// it. The run sees the load only because this sample is built with load/store
// instrumentation (build=instrumented: `rmacheck mpicc`); built with plain
// mpicc, the run reports nothing.
// The fixed twin is race_target_local_fence_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define STEPS 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int right = (rank + 1) % size;

    double *cells;
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &cells, &win);
    cells[0] = cells[1] = 0;
    double sum = 0;
    MPI_Win_fence(0, win);
    for (int step = 0; step < STEPS; step++) {
        double mine = rank + step;
        MPI_Put(&mine, 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);  // @put
        sum += cells[0];  // @load BUG: the left neighbour's Put writes cells[0] in this epoch
        MPI_Win_fence(0, win);
    }
    if (rank == 0)
        printf("race_target_local_fence_bug: sum %g (depends on timing)\n", sum);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
