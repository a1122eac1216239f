// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: invalid-rma-arg at=get ranks=0
// rmacheck-expect: mpi-error at=get ranks=0
// rmacheck-expect[mpich]: none
//   (MPICH's MPI_PROC_NULL is -1, Open MPI's -2: the Get from rank -1 is a legal no-op on MPICH)
// rmacheck-lint-expect: none
//
// A non-periodic 1-D decomposition: every rank reads its left neighbour's
// edge. The neighbour is computed as rank - 1 without a bound, so rank 0
// targets rank -1, which is not in the window's group (it should be
// MPI_PROC_NULL, for which MPI_Get does nothing). A negative target is the
// case rmacheck once lost (it logged invalid ranks as -1000 - rank, and -1
// became -999). Open MPI returns MPI_ERR_RANK (the window uses
// MPI_ERRORS_RETURN so that the job goes on). Fixed twin:
// rma_negative_target_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int left = rank - 1;   // BUG: -1 for rank 0

    double *edge;
    MPI_Win win;
    MPI_Win_allocate(sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &edge, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    *edge = rank + 0.5;

    double ghost = 0.0;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    int rc = MPI_Get(&ghost, 1, MPI_DOUBLE, left, 0, 1, MPI_DOUBLE, win);  // @get
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Get failed (error %d)\n", rank, rc);

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
