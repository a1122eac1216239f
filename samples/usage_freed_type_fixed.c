// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of usage_freed_type_bug.c: the helper returns the committed
// datatype, and the caller frees it after the last call that uses it.
#include <mpi.h>
#include <stdio.h>

enum { N = 8 };

static MPI_Datatype every_other(void)
{
    MPI_Datatype t;
    MPI_Type_vector(N / 2, 1, 2, MPI_DOUBLE, &t);
    MPI_Type_commit(&t);
    return t;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    double *row;
    MPI_Win win;
    MPI_Win_allocate(N * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &row, &win);
    for (int i = 0; i < N; ++i) row[i] = rank * 100 + i;

    double mine[N];
    for (int i = 0; i < N; ++i) mine[i] = i;
    MPI_Win_fence(0, win);
    if (rank == 0) {
        MPI_Datatype strided = every_other();
        MPI_Put(mine, 1, strided, 1, 0, 1, strided, win);
        MPI_Type_free(&strided);   // the Put keeps what it needs of the type
    }
    MPI_Win_fence(0, win);
    if (rank == 1) printf("row[2] = %g\n", row[2]);

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
