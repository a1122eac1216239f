// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// A ring shift through a window: in each step every rank Puts its value
// into element 0 of its right neighbour's window between two fences, and
// reads element 0 of its own window only after the closing fence, in the
// epoch before the next opening fence, where nobody accesses the window.
// Each rank checks the sum of what its left neighbour sent.
// Buggy twin: race_target_local_fence_bug.c.
#include <mpi.h>
#include <stdio.h>

#define STEPS 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int right = (rank + 1) % size, left = (rank + size - 1) % size;

    double *cells;
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &cells, &win);
    cells[0] = cells[1] = 0;
    double sum = 0;
    for (int step = 0; step < STEPS; step++) {
        double mine = rank + step;
        MPI_Win_fence(0, win);
        MPI_Put(&mine, 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);
        MPI_Win_fence(0, win);
        sum += cells[0];  // after the closing fence: the left neighbour's value of this step
    }
    double want = STEPS * left + STEPS * (STEPS - 1) / 2;
    if (sum != want) {
        fprintf(stderr, "rank %d: sum %g, want %g\n", rank, sum, want);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("race_target_local_fence_fixed: sum %g\n", sum);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
