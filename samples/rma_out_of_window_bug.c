// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: invalid-rma-arg at=put
// rmacheck-expect: mpi-error at=put
// rmacheck-expect[mpich]: invalid-rma-arg at=put
//   (MPICH 4.0 does not check the target displacement against the window size: no error returned)
// rmacheck-lint-expect: none
//
// Every rank sends its row of ROW ints, followed by a checksum, into the
// halo window of its right neighbour. The window was sized for the row only,
// so the checksum lands one int past the end of the target's window. Open
// MPI returns MPI_ERR_RMA_RANGE (the window uses MPI_ERRORS_RETURN so that
// the job goes on). Fixed twin: rma_out_of_window_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define ROW 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size;

    int *halo;
    MPI_Win win;
    // BUG: room for ROW ints, but ROW + 1 are sent.
    MPI_Win_allocate(ROW * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &halo, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);

    int row[ROW + 1], sum = 0;
    for (int i = 0; i < ROW; i++) {
        row[i] = rank * 100 + i;
        sum += row[i];
    }
    row[ROW] = sum;   // checksum

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    int rc = MPI_Put(row, ROW + 1, MPI_INT, right, 0, ROW + 1, MPI_INT, win);  // @put
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Put failed (error %d)\n", rank, rc);

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
