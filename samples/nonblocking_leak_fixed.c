// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of nonblocking_leak_bug.c: every worker completes its MPI_Isend
// with MPI_Wait before going on.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    double partial = 0;
    for (int i = 1; i <= 1000; i++)
        if (i % size == rank)
            partial += 1.0 / i;

    if (rank == 0) {
        double total = partial, x;
        for (int src = 1; src < size; src++) {
            MPI_Recv(&x, 1, MPI_DOUBLE, src, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            total += x;
        }
        double err = total - 7.485471;
        if (err < -1e-5 || err > 1e-5) {
            fprintf(stderr, "nonblocking_leak_fixed: H(1000) = %.6f\n", total);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        printf("nonblocking_leak_fixed: H(1000) = %.6f\n", total);
    } else {
        MPI_Request req;
        MPI_Isend(&partial, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    }

    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
