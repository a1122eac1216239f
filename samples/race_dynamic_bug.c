// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put ranks=0,2
// rmacheck-lint-expect: none
//
// A registry slot in a dynamic window (MPI_Win_create_dynamic): rank 1
// attaches N ints and broadcasts their address (MPI_Get_address + MPI_Bcast);
// ranks 0 and 2 each write their entry into the slot with MPI_Put inside a
// MPI_Win_lock_all epoch. lock_all epochs do not exclude each other, so the
// two Puts to the same attached bytes race (the entry may be torn); for a
// dynamic window the displacement is the address itself.
// See race_dynamic_fixed.c.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    MPI_Win win;
    MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    int *slot = NULL;
    MPI_Aint addr = 0;
    if (rank == 1) {   // only the registry rank exposes memory
        slot = calloc(N, sizeof(int));
        MPI_Win_attach(win, slot, N * sizeof(int));
        MPI_Get_address(slot, &addr);
    }
    MPI_Bcast(&addr, 1, MPI_AINT, 1, MPI_COMM_WORLD);   // the target address of the slot

    if (rank != 1) {
        int entry[N] = {rank, rank + 10, rank + 20, rank + 30};
        MPI_Win_lock_all(0, win);   // BUG: no exclusion between the two writers
        MPI_Put(entry, N, MPI_INT, 1, addr, N, MPI_INT, win);  // @put
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);   // all epochs closed

    if (rank == 1) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        int e0 = slot[0], e3 = slot[N - 1];
        MPI_Win_unlock(1, win);
        printf("race_dynamic_bug: entry starts %d ends %d\n", e0, e3);
        MPI_Win_detach(win, slot);
        free(slot);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
