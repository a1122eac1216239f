// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-leak at=isend ranks=1,2,3
// rmacheck-lint-expect: request-leak at=isend
//
// BUG: a nonblocking request never completed. Every worker rank sends its
// partial result to rank 0 with MPI_Isend and moves on ("fire and forget"):
// the request is never completed by MPI_Wait/MPI_Test nor freed, so it is
// still pending at MPI_Finalize and the send buffer is never known to be
// reusable. The fixed twin is nonblocking_leak_fixed.c.
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
        printf("nonblocking_leak_bug: H(1000) = %.6f\n", total);
    } else {
        MPI_Request req;
        MPI_Isend(&partial, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &req);  // @isend
        // missing: MPI_Wait(&req, MPI_STATUS_IGNORE);
    }

    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
