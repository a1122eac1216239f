// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: invalid-rma-arg at=put ranks=3
// rmacheck-expect: mpi-error at=put
// rmacheck-lint-expect: none
//
// A non-periodic 1-D decomposition: every rank sends its right edge to its
// right neighbour. The neighbour is computed as rank + 1 without a bound,
// so the last rank targets rank `size`, which is not in the window's group
// (it should be MPI_PROC_NULL, for which MPI_Put does nothing). Open MPI
// returns MPI_ERR_RANK (the window uses MPI_ERRORS_RETURN so that the job
// goes on). Fixed twin: rma_bad_target_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = rank + 1;   // BUG: size for the last rank

    double *ghost;
    MPI_Win win;
    MPI_Win_allocate(sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &ghost, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    *ghost = 0.0;

    double edge = rank + 0.25;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    int rc = MPI_Put(&edge, 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);  // @put
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Put failed (error %d)\n", rank, rc);

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
