// rmacheck-sample: ranks=2 timeout=30
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of poll_window_flag_hang.c: rank 1 says it is ready first, rank
// 0 then puts the flag and completes the Put at rank 1 with MPI_Win_flush,
// and a barrier orders that flush before rank 1 reads its window word (after
// MPI_Win_sync, which makes the public copy visible to its loads). No load
// loop on window memory: the message and the barrier are what waits.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *flag;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &flag, &win);
    *flag = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, win);
    int ready = 1, one = 1;
    if (rank == 0) {
        MPI_Recv(&ready, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Put(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Win_flush(1, win);
    } else {
        MPI_Send(&ready, 1, MPI_INT, 0, 0, MPI_COMM_WORLD);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        MPI_Win_sync(win);
        if (*flag != 1) {
            fprintf(stderr, "poll_window_flag_fixed: flag %d, expected 1\n", *flag);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    if (rank == 0) printf("poll_window_flag_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
