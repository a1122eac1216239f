// rmacheck-sample: ranks=2 timeout=8 complete=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: hang at=recv,spin
// rmacheck-expect: unclosed-epoch at=lock_all,recv ranks=0
// rmacheck-expect: unclosed-epoch at=lock_all,spin ranks=1
// rmacheck-lint-expect: none
//
// Waiting for a flag in window memory by spinning on it, in the wrong order:
// rank 1 spins on its own window word until rank 0 has put 1 into it, and
// only then tells rank 0 it is ready; rank 0 waits for that message before
// it puts the flag. Neither ever moves, and rank 1 makes no MPI call while
// it waits, so a report that only knows MPI calls can say of it no more
// than "not inside an MPI call". The stop signal of --timeout finds rank 1
// in its loop, and the hang finding shows that line beside rank 0's
// blocked MPI_Recv; the epoch each rank left open says the same place.
// (Even in the right order, a plain load loop is not how
// to wait for a remote Put: the fixed twin waits for the message first and
// reads the flag after MPI_Win_flush and a barrier have ordered it.)
// Fixed twin: poll_window_flag_fixed.c.
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
    MPI_Win_lock_all(0, win);   // @lock_all
    int ready = 1, one = 1;
    if (rank == 0) {
        MPI_Recv(&ready, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);   // @recv
        MPI_Put(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Win_flush(1, win);
    } else {
        while (*(volatile int *)flag == 0) { }   // @spin BUG: waits for the flag before saying it is ready
        MPI_Send(&ready, 1, MPI_INT, 0, 0, MPI_COMM_WORLD);
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
