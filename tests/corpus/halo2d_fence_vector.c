// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: 2-D five-point stencil on a 2 x 2 (non-periodic) process grid
// from MPI_Cart_create. Each rank's NX x NY block has a one-cell halo; rows
// are contiguous, columns are an MPI_Type_vector. Halos are filled with
// MPI_Put in fence epochs; neighbours off the grid are MPI_PROC_NULL.
#include <mpi.h>
#include <stdio.h>

#define NX 6
#define NY 5
#define LD (NY + 2)
#define AT(i, j) ((i) * LD + (j))

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int size, rank;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int dims[2] = {0, 0}, periods[2] = {0, 0};
    MPI_Dims_create(size, 2, dims);
    MPI_Comm grid;
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &grid);
    MPI_Comm_rank(grid, &rank);
    int up, down, west, east;
    MPI_Cart_shift(grid, 0, 1, &up, &down);
    MPI_Cart_shift(grid, 1, 1, &west, &east);

    double *a;
    MPI_Win win;
    MPI_Win_allocate((NX + 2) * LD * sizeof(double), sizeof(double), MPI_INFO_NULL, grid, &a, &win);
    for (int i = 0; i < (NX + 2) * LD; i++)
        a[i] = rank;
    double b[(NX + 2) * LD];

    MPI_Datatype column;
    MPI_Type_vector(NX, 1, LD, MPI_DOUBLE, &column);
    MPI_Type_commit(&column);

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    for (int iter = 0; iter < 10; iter++) {
        // Rows 1 and NX go to the upper/lower neighbours' halo rows NX+1 and 0.
        MPI_Put(&a[AT(1, 1)], NY, MPI_DOUBLE, up, AT(NX + 1, 1), NY, MPI_DOUBLE, win);
        MPI_Put(&a[AT(NX, 1)], NY, MPI_DOUBLE, down, AT(0, 1), NY, MPI_DOUBLE, win);
        // Columns 1 and NY go to the west/east neighbours' halo columns NY+1 and 0.
        MPI_Put(&a[AT(1, 1)], 1, column, west, AT(1, NY + 1), 1, column, win);
        MPI_Put(&a[AT(1, NY)], 1, column, east, AT(1, 0), 1, column, win);
        MPI_Win_fence(0, win);
        for (int i = 1; i <= NX; i++)
            for (int j = 1; j <= NY; j++)
                b[AT(i, j)] = 0.25 * (a[AT(i - 1, j)] + a[AT(i + 1, j)] + a[AT(i, j - 1)] + a[AT(i, j + 1)]);
        MPI_Win_fence(MPI_MODE_NOPRECEDE, win);  // no RMA in between: the copy below is local
        for (int i = 1; i <= NX; i++)
            for (int j = 1; j <= NY; j++)
                a[AT(i, j)] = b[AT(i, j)];
        MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    double s = 0, total = 0;
    for (int i = 1; i <= NX; i++)
        for (int j = 1; j <= NY; j++)
            s += a[AT(i, j)];
    MPI_Reduce(&s, &total, 1, MPI_DOUBLE, MPI_SUM, 0, grid);
    if (rank == 0)
        printf("halo2d_fence_vector: sum %g\n", total);
    MPI_Type_free(&column);
    MPI_Win_free(&win);
    MPI_Comm_free(&grid);
    MPI_Finalize();
    return 0;
}
