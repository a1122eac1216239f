// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_rput_wait_bug.c: rank 0 publishes results into rank 1's
// window with MPI_Rput, waits for the request (origin completion) and then
// calls MPI_Win_flush(1) (target completion) before MPI_Barrier; rank 2's
// MPI_Rget of the same bytes after the barrier is ordered after the Rput.
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
        MPI_Rput(result, N, MPI_INT, 1, 0, N, MPI_INT, win, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        MPI_Win_flush(1, win);   // now complete at rank 1 as well
    }
    MPI_Barrier(MPI_COMM_WORLD);   // "results are published"
    if (rank == 2) {
        MPI_Rget(got, N, MPI_INT, 1, 0, N, MPI_INT, win, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);   // got is readable now
        for (int i = 0; i < N; i++)
            if (got[i] != 3 * i + 1) {
                fprintf(stderr, "race_rput_flush_fixed: got[%d] = %d\n", i, got[i]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        printf("race_rput_flush_fixed: OK\n");
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
