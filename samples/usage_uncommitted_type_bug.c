// rmacheck-sample: ranks=2 timeout=60 complete=false exit=3
// rmacheck-expect: invalid-arg at=init,create ranks=0
// rmacheck-expect: mpi-error at=init ranks=0
// rmacheck-expect: program-failed at=init
// rmacheck-lint-expect: none
//
// A persistent column exchange: rank 0 sends one column of a 4x4 row-major
// matrix to rank 1 every step with a persistent send. The column datatype is
// built with MPI_Type_vector but never committed, so MPI_Send_init rejects it
// (Open MPI: MPI_ERR_TYPE, fatal). The report names the call and the line
// where the datatype was created. Fixed twin: usage_uncommitted_type_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { N = 4, STEPS = 3 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    double a[N][N], col[N];
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) a[i][j] = i * N + j;

    MPI_Datatype column;
    MPI_Type_vector(N, 1, N, MPI_DOUBLE, &column);   // @create
    // BUG: MPI_Type_commit(&column) is missing

    MPI_Request req;
    if (rank == 0)
        MPI_Send_init(&a[0][1], 1, column, 1, 7, MPI_COMM_WORLD, &req);   // @init
    else
        MPI_Recv_init(col, N, MPI_DOUBLE, 0, 7, MPI_COMM_WORLD, &req);
    for (int s = 0; s < STEPS; ++s) {
        MPI_Start(&req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    }
    if (rank == 1) printf("col[3] = %g\n", col[3]);
    MPI_Request_free(&req);
    MPI_Type_free(&column);
    MPI_Finalize();
    return 0;
}
