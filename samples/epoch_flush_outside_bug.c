// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: epoch-mismatch at=win_fence,win_flush
// rmacheck-expect: mpi-error at=win_flush
// rmacheck-lint-expect: epoch-mismatch at=win_fence,win_flush
//
// Ring exchange in a fence epoch, with an MPI_Win_flush added "to push the
// data out". MPI_Win_flush is only allowed inside a passive-target epoch
// (between MPI_Win_lock/lock_all and the unlock); in a fence epoch the
// closing fence is what completes the Put. Open MPI returns MPI_ERR_RMA_SYNC
// (the window uses MPI_ERRORS_RETURN so that the job goes on).
// Fixed twin: epoch_flush_outside_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    double *halo;
    MPI_Win win;
    MPI_Win_allocate(sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &halo, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    *halo = 0.0;

    double edge = rank + 0.5;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);  // @win_fence
    MPI_Put(&edge, 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);
    int rc = MPI_Win_flush(right, win);   // @win_flush BUG: not in a passive-target epoch
    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Win_flush failed (error %d)\n", rank, rc);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (*halo != left + 0.5)
        fprintf(stderr, "rank %d: halo %g\n", rank, *halo);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
