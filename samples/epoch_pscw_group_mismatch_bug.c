// rmacheck-sample: ranks=3 timeout=8 complete=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: epoch-mismatch at=win_post,win_start
// rmacheck-expect: hang at=win_start,win_free
// rmacheck-lint-expect: none
//
// Rank 0 collects one value from every other rank with post/start/complete/
// wait. The group rank 0 posts to is built from the wrong range and leaves
// out the last rank, while every origin starts an access epoch to rank 0:
// start and post groups do not match. The origin left out waits forever for
// a post that never comes, and the others then wait for it in MPI_Win_free.
// Fixed twin: epoch_pscw_group_mismatch_fixed.c.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int *slots;
    MPI_Win win;
    MPI_Win_allocate(size * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slots, &win);
    for (int i = 0; i < size; i++)
        slots[i] = -1;
    MPI_Group world;
    MPI_Comm_group(MPI_COMM_WORLD, &world);

    if (rank == 0) {
        int range[1][3] = {{1, size - 2, 1}};   // BUG: should be {1, size - 1, 1}
        MPI_Group origins;
        MPI_Group_range_incl(world, 1, range, &origins);
        MPI_Win_post(origins, 0, win);  // @win_post
        MPI_Win_wait(win);
        MPI_Group_free(&origins);
    } else {
        int zero = 0, value = rank * 100;
        MPI_Group target_group;
        MPI_Group_incl(world, 1, &zero, &target_group);
        MPI_Win_start(target_group, 0, win);  // @win_start
        MPI_Put(&value, 1, MPI_INT, 0, rank, 1, MPI_INT, win);
        MPI_Win_complete(win);
        MPI_Group_free(&target_group);
    }

    MPI_Group_free(&world);
    MPI_Win_free(&win);  // @win_free
    MPI_Finalize();
    return 0;
}
