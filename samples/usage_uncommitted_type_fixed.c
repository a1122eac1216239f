// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of usage_uncommitted_type_bug.c: the column datatype is
// committed before MPI_Send_init uses it.
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
    MPI_Type_vector(N, 1, N, MPI_DOUBLE, &column);
    MPI_Type_commit(&column);

    MPI_Request req;
    if (rank == 0)
        MPI_Send_init(&a[0][1], 1, column, 1, 7, MPI_COMM_WORLD, &req);
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
