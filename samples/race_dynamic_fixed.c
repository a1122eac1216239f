// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_dynamic_bug.c: ranks 0 and 2 write their entry into
// rank 1's registry slot of a dynamic window (address exchanged with
// MPI_Get_address + MPI_Bcast) inside MPI_LOCK_EXCLUSIVE epochs on rank 1.
// Exclusive epochs on one target never overlap: the Puts are ordered (in
// some order) and the slot always holds one whole entry.
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
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Put(entry, N, MPI_INT, 1, addr, N, MPI_INT, win);
        MPI_Win_unlock(1, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);   // all epochs closed

    if (rank == 1) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        int e0 = slot[0], e3 = slot[N - 1];
        MPI_Win_unlock(1, win);
        if ((e0 != 0 && e0 != 2) || e3 != e0 + 30) {
            fprintf(stderr, "race_dynamic_fixed: torn entry %d .. %d\n", e0, e3);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        printf("race_dynamic_fixed: OK (entry of rank %d)\n", e0);
        MPI_Win_detach(win, slot);
        free(slot);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
