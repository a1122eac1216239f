// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: target-local-conflict at=put_hit,colstore ranks=0,1
//
// Rank 1 owns a 16 x 16 block of doubles in a window and, in one fence
// epoch, fills its first four columns with a column loop (one store every
// row: the access runtime keeps such stores as one strided record). Rank 0
// Puts into row 5 of column 2, which rank 1 stores to: a race. Its second
// Put goes to column 9 of the same rows, which no store touches: no
// finding (a record as wide as the rows would make one).
// Built with `rmacheck mpicc`.
#include <mpi.h>
#include <stdio.h>

#define N 16

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double *a, one = 1;
    MPI_Win win;
    MPI_Win_allocate(N * N * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &a, &win);
    MPI_Win_fence(0, win);
    if (rank == 0) {
        MPI_Put(&one, 1, MPI_DOUBLE, 1, 5 * N + 2, 1, MPI_DOUBLE, win);  // @put_hit
        MPI_Put(&one, 1, MPI_DOUBLE, 1, 5 * N + 9, 1, MPI_DOUBLE, win);  // @put_miss
    } else {
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < N; j++)
                a[j * N + i] = i + j;  // @colstore BUG: column 2 of row 5 is the first Put's target
    }
    MPI_Win_fence(0, win);
    if (rank == 1)
        printf("local_strided_bug: %g %g\n", a[5 * N + 2], a[5 * N + 9]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
