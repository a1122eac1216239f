// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Every rank sends its row of ROW ints, followed by a checksum, into the
// halo window of its right neighbour; the window has room for both.
// Fixed twin of rma_out_of_window_bug.c.
#include <mpi.h>
#include <stdio.h>

#define ROW 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *halo;
    MPI_Win win;
    MPI_Win_allocate((ROW + 1) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &halo, &win);

    int row[ROW + 1], sum = 0;
    for (int i = 0; i < ROW; i++) {
        row[i] = rank * 100 + i;
        sum += row[i];
    }
    row[ROW] = sum;   // checksum

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(row, ROW + 1, MPI_INT, right, 0, ROW + 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    int check = 0;
    for (int i = 0; i < ROW; i++)
        check += halo[i];
    if (check != halo[ROW] || halo[0] != left * 100)
        MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("rma_out_of_window_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
