// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a distributed matrix transpose. An (size*B) x (size*B) matrix is
// distributed by block rows; rank r sends block (r, c) to rank c, where it
// lands transposed as block (c, r): the origin side is an MPI_Type_vector
// of B columns read column by column (a resized column type), the target
// side is contiguous rows. One fence epoch; every target region is written
// by exactly one origin.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define B 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int n = size * B;  // global order; each rank holds B full rows

    double *a = malloc(B * n * sizeof(double)), *t;
    MPI_Win win;
    MPI_Win_allocate(B * n * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &t, &win);
    for (int i = 0; i < B; i++)
        for (int j = 0; j < n; j++)
            a[i * n + j] = (rank * B + i) * 1000 + j;  // a(global row, column)

    // One column of my B x B block (stride n), resized so consecutive columns follow each other.
    MPI_Datatype col, cols;
    MPI_Type_vector(B, 1, n, MPI_DOUBLE, &col);
    MPI_Type_create_resized(col, 0, sizeof(double), &cols);
    MPI_Type_commit(&cols);

    MPI_Win_fence(MPI_MODE_NOPRECEDE | MPI_MODE_NOSTORE, win);
    for (int c = 0; c < size; c++)
        // Block (rank, c) transposed: its columns become rows of block (c, rank) on rank c.
        for (int j = 0; j < B; j++)
            MPI_Put(&a[c * B + j], 1, cols, c, j * n + rank * B, B, MPI_DOUBLE, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    for (int i = 0; i < B; i++)
        for (int j = 0; j < n; j++)
            if (t[i * n + j] != j * 1000 + rank * B + i) {
                fprintf(stderr, "transpose_put_vector: rank %d t(%d,%d) = %g\n", rank, i, j, t[i * n + j]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
    if (rank == 0)
        printf("transpose_put_vector: %d x %d transposed\n", n, n);
    MPI_Type_free(&col);
    MPI_Type_free(&cols);
    free(a);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
