// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of type_mismatch_allreduce_op_bug.c: every rank reduces with
// MPI_MAX.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double err = 0.1 * (rank + 1), worst;
    MPI_Allreduce(&err, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) printf("worst error %g\n", worst);
    MPI_Finalize();
    return 0;
}
