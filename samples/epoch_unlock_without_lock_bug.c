// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: epoch-mismatch at=win_unlock ranks=0
// rmacheck-expect: mpi-error at=win_unlock
// rmacheck-lint-expect: epoch-mismatch at=win_unlock
//
// Rank 0 publishes a configuration value; the other ranks read it with
// MPI_Get under a shared lock. The unlock was moved out of the `if`, so
// rank 0, which never locked, calls MPI_Win_unlock without a matching
// MPI_Win_lock. Open MPI returns MPI_ERR_RMA_SYNC; the window uses
// MPI_ERRORS_RETURN so that the job goes on (under the default
// MPI_ERRORS_ARE_FATAL it would abort: rmacheck reports the same finding).
// Fixed twin: epoch_unlock_without_lock_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *config;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &config, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    *config = 42;   // before the barrier: nobody reads it yet
    MPI_Barrier(MPI_COMM_WORLD);

    int value = -1;
    if (rank != 0) {
        MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
        MPI_Get(&value, 1, MPI_INT, 0, 0, 1, MPI_INT, win);
    }
    int rc = MPI_Win_unlock(0, win);   // @win_unlock BUG: rank 0 holds no lock
    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Win_unlock failed (error %d)\n", rank, rc);
    if (rank != 0 && value != 42)
        fprintf(stderr, "rank %d: read %d\n", rank, value);

    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
