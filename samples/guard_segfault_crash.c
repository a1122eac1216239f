// rmacheck-sample: ranks=2 timeout=60 guard=true complete=false exit=139
// rmacheck-expect: program-failed at=barrier
// rmacheck-lint-expect: none
//
// Guarded pages never swallow a genuine segfault: rank 1 writes through a
// null pointer while window pages are protected, and must die by SIGSEGV
// as it would without rmacheck (the program-failed finding of the run side
// reports it at rank 1's last MPI call). The window access before it is in
// no epoch: no other finding.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *slot;
    MPI_Win win;
    MPI_Win_allocate(16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    MPI_Win_fence(0, win);
    MPI_Win_fence(0, win);
    slot[0] = 1;
    MPI_Barrier(MPI_COMM_WORLD);  // @barrier
    if (rank == 1) {
        volatile int *nowhere = NULL;
        *nowhere = slot[0];   // a real segfault
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
