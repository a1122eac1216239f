// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put ranks=1,2
// rmacheck-lint-expect: none
//
// Post/start/complete/wait gather: rank 0 exposes a buffer of 2*CHUNK+1 ints
// to ranks 1 and 2 (MPI_Win_post), and each of them puts its slice of CHUNK
// ints at (rank-1)*CHUNK in one access epoch (MPI_Win_start/complete). Each
// origin also sends its right ghost cell (CHUNK+1 ints): rank 1's ghost lands
// on slot CHUNK, the first slot of rank 2's slice. Both Puts write bytes
// [16,20) of rank 0 in the same exposure epoch: a race (same source line).
// See race_pscw_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define CHUNK 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int all[2 * CHUNK + 1] = {0};
    MPI_Win win;
    MPI_Win_create(all, sizeof all, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Group world, workers, root;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int ids[2] = {1, 2}, zero = 0;
    MPI_Group_incl(world, 2, ids, &workers);
    MPI_Group_incl(world, 1, &zero, &root);

    if (rank == 0) {
        MPI_Win_post(workers, 0, win);
        MPI_Win_wait(win);
        printf("race_pscw_bug: slot %d holds %d\n", CHUNK, all[CHUNK]);
    } else {
        int slice[CHUNK + 1];   // own cells plus the right ghost cell
        for (int i = 0; i <= CHUNK; i++)
            slice[i] = rank * 100 + i;
        MPI_Win_start(root, 0, win);
        MPI_Put(slice, CHUNK + 1, MPI_INT, 0, (rank - 1) * CHUNK, CHUNK + 1, MPI_INT, win);   // @put BUG: ghost too
        MPI_Win_complete(win);
    }

    MPI_Group_free(&root);
    MPI_Group_free(&workers);
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
