// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Every rank folds its largest absolute residual into rank 0: it takes the
// absolute value itself and accumulates with the predefined MPI_MAX.
// Fixed twin of rma_user_op_bug.c.
#include <math.h>
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    double *worst;
    MPI_Win win;
    MPI_Win_allocate(sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &worst, &win);
    *worst = 0.0;

    double residual = (rank % 2 ? -1.0 : 1.0) * (rank + 0.5);
    double magnitude = fabs(residual);
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Accumulate(&magnitude, 1, MPI_DOUBLE, 0, 0, 1, MPI_DOUBLE, MPI_MAX, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0) {
        if (*worst != size - 0.5)
            MPI_Abort(MPI_COMM_WORLD, 1);
        printf("rma_user_op_fixed: OK\n");
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
