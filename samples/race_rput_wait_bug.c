// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=rput,rget ranks=0,2
// rmacheck-lint-expect: none
//
// Request-based RMA in one MPI_Win_lock_all epoch: rank 0 publishes results
// into rank 1's window with MPI_Rput and waits for the request, then all
// ranks meet in MPI_Barrier and rank 2 fetches the results with MPI_Rget.
// Completing an Rput request completes it at the ORIGIN only (the buffer may
// be reused); it may still be in flight to rank 1, so it races with rank 2's
// Rget of the same bytes. See race_rput_flush_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define N 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int slot[N] = {0};
    MPI_Win win;
    MPI_Win_create(slot, sizeof slot, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int result[N], got[N] = {0};
    MPI_Request req;
    MPI_Win_lock_all(0, win);
    if (rank == 0) {
        for (int i = 0; i < N; i++)
            result[i] = 3 * i + 1;
        MPI_Rput(result, N, MPI_INT, 1, 0, N, MPI_INT, win, &req);  // @rput
        MPI_Wait(&req, MPI_STATUS_IGNORE);   // BUG: completes the Rput at the origin only
    }
    MPI_Barrier(MPI_COMM_WORLD);   // "results are published"
    if (rank == 2) {
        MPI_Rget(got, N, MPI_INT, 1, 0, N, MPI_INT, win, &req);  // @rget
        MPI_Wait(&req, MPI_STATUS_IGNORE);   // got is readable now
        printf("race_rput_wait_bug: got %d %d %d %d\n", got[0], got[1], got[2], got[3]);
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
