// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a 2-D periodic halo exchange that PULLS the halo with MPI_Get.
// Each rank describes the four edge strips of its block (and the matching
// halo strips) with MPI_Type_create_subarray and reads its neighbours'
// edges into its own halo inside one fence epoch; nobody writes the window
// during the epoch, so all the Gets are reads of target memory.
#include <mpi.h>
#include <stdio.h>

#define NX 4
#define NY 6

static MPI_Datatype strip(int x0, int y0, int nx, int ny)
{
    int sizes[2] = {NX + 2, NY + 2}, sub[2] = {nx, ny}, start[2] = {x0, y0};
    MPI_Datatype t;
    MPI_Type_create_subarray(2, sizes, sub, start, MPI_ORDER_C, MPI_INT, &t);
    MPI_Type_commit(&t);
    return t;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int size, rank;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int dims[2] = {0, 0}, periods[2] = {1, 1};
    MPI_Dims_create(size, 2, dims);
    MPI_Comm grid;
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 1, &grid);
    MPI_Comm_rank(grid, &rank);
    int up, down, west, east;
    MPI_Cart_shift(grid, 0, 1, &up, &down);
    MPI_Cart_shift(grid, 1, 1, &west, &east);

    int *a;
    MPI_Win win;
    MPI_Win_allocate((NX + 2) * (NY + 2) * sizeof(int), sizeof(int), MPI_INFO_NULL, grid, &a, &win);
    for (int i = 0; i < NX + 2; i++)
        for (int j = 0; j < NY + 2; j++)
            a[i * (NY + 2) + j] = (i >= 1 && i <= NX && j >= 1 && j <= NY) ? rank * 1000 + i * 10 + j : -1;

    // Edges of the interior and the halo strips they fill on the other side.
    MPI_Datatype top = strip(1, 1, 1, NY), bottom = strip(NX, 1, 1, NY);
    MPI_Datatype left = strip(1, 1, NX, 1), right = strip(1, NY, NX, 1);
    MPI_Datatype halo_top = strip(0, 1, 1, NY), halo_bottom = strip(NX + 1, 1, 1, NY);
    MPI_Datatype halo_left = strip(1, 0, NX, 1), halo_right = strip(1, NY + 1, NX, 1);

    MPI_Win_fence(MPI_MODE_NOPRECEDE | MPI_MODE_NOPUT, win);
    MPI_Get(a, 1, halo_top, up, 0, 1, bottom, win);     // my top halo = upper neighbour's bottom row
    MPI_Get(a, 1, halo_bottom, down, 0, 1, top, win);
    MPI_Get(a, 1, halo_left, west, 0, 1, right, win);
    MPI_Get(a, 1, halo_right, east, 0, 1, left, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (a[0 * (NY + 2) + 1] != up * 1000 + NX * 10 + 1) {
        fprintf(stderr, "halo2d_get_subarray: rank %d top halo %d\n", rank, a[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("halo2d_get_subarray: halo ok on a %d x %d grid\n", dims[0], dims[1]);
    MPI_Datatype all[] = {top, bottom, left, right, halo_top, halo_bottom, halo_left, halo_right};
    for (int i = 0; i < 8; i++)
        MPI_Type_free(&all[i]);
    MPI_Win_free(&win);
    MPI_Comm_free(&grid);
    MPI_Finalize();
    return 0;
}
