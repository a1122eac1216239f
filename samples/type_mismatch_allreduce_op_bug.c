// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: type-mismatch at=allreduce ranks=0,2
// rmacheck-lint-expect: none
//
// Every rank contributes its local error to a global convergence test. The
// op is chosen from a per-rank setting that should be the same everywhere,
// but the last rank reads another default: ranks 0 and 1 reduce with
// MPI_MAX, rank 2 with MPI_SUM. MPI does not check that the members of a
// reduction agree on the op: the program runs, and the result is
// undefined. Fixed twin: type_mismatch_allreduce_op_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    double err = 0.1 * (rank + 1), worst;
    MPI_Op op = rank == size - 1 ? MPI_SUM : MPI_MAX;   // BUG: must be the same on every rank
    MPI_Allreduce(&err, &worst, 1, MPI_DOUBLE, op, MPI_COMM_WORLD);   // @allreduce
    if (rank == 0) printf("worst error %g\n", worst);
    MPI_Finalize();
    return 0;
}
