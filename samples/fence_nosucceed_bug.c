// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: assert-violation at=win_fence,get
// rmacheck-expect: mpi-error at=get
// rmacheck-lint-expect: missing-epoch at=get
//
// Every rank puts a value into its right neighbour, closes the epoch with a
// fence asserting MPI_MODE_NOSUCCEED ("no RMA call follows"), and then reads
// the value back with MPI_Get before one more fence: the assertion is false,
// no epoch covers the Get. Open MPI returns MPI_ERR_RMA_SYNC for the Get (the
// window uses MPI_ERRORS_RETURN so that the job goes on).
// Fixed twin: fence_nosucceed_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size;

    int *inbox;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &inbox, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    *inbox = -1;

    int value = rank + 100, check = -1;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&value, 1, MPI_INT, right, 0, 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);   // @win_fence BUG: an RMA call follows
    int rc = MPI_Get(&check, 1, MPI_INT, right, 0, 1, MPI_INT, win);  // @get
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Get failed (error %d)\n", rank, rc);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
