// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: invalid-rma-arg at=accumulate
// rmacheck-expect: mpi-error at=accumulate
// rmacheck-lint-expect: none
//
// Every rank folds its largest absolute residual into rank 0 with
// MPI_Accumulate and a user-defined "max of absolute values" operation.
// RMA accumulate operations accept only predefined operations (Open MPI 4.1
// happens to run it; implementations may return MPI_ERR_OP, hence
// MPI_ERRORS_RETURN on the window). Fixed twin: rma_user_op_fixed.c.
#include <math.h>
#include <mpi.h>
#include <stdio.h>

static void max_abs(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    double *a = in, *b = inout;
    for (int i = 0; i < *len; i++)
        b[i] = fabs(a[i]) > fabs(b[i]) ? fabs(a[i]) : fabs(b[i]);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    double *worst;
    MPI_Win win;
    MPI_Win_allocate(sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &worst, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    *worst = 0.0;
    MPI_Op op;
    MPI_Op_create(max_abs, 1, &op);

    double residual = (rank % 2 ? -1.0 : 1.0) * (rank + 0.5);
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    int rc = MPI_Accumulate(&residual, 1, MPI_DOUBLE, 0, 0, 1, MPI_DOUBLE, op, win);   // @accumulate BUG: user op
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Accumulate failed (error %d)\n", rank, rc);

    MPI_Op_free(&op);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
