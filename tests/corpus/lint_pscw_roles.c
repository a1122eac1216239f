// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): PSCW with rank-dependent roles. Rank 0 is a collector
// that exposes its window to all workers (Win_post / Win_wait); the
// workers open an access epoch to rank 0 only (Win_start / Win_complete)
// and Put their result into their own slot. The groups are built from the
// window's group and freed on both sides of the branch.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int *slots = calloc(size, sizeof(int));
    MPI_Win win;
    MPI_Win_create(slots, size * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Group world;
    MPI_Win_get_group(win, &world);

    if (rank == 0) {
        int *workers = malloc((size - 1) * sizeof(int));
        for (int i = 1; i < size; i++)
            workers[i - 1] = i;
        MPI_Group from;
        MPI_Group_incl(world, size - 1, workers, &from);
        MPI_Win_post(from, 0, win);
        MPI_Win_wait(win);
        MPI_Group_free(&from);
        free(workers);
        for (int i = 1; i < size; i++)
            if (slots[i] != i * i) {
                fprintf(stderr, "rank 0: slot %d = %d\n", i, slots[i]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        printf("lint_pscw_roles: ok\n");
    } else {
        int zero = 0, result = rank * rank;
        MPI_Group to;
        MPI_Group_incl(world, 1, &zero, &to);
        MPI_Win_start(to, 0, win);
        MPI_Put(&result, 1, MPI_INT, 0, rank, 1, MPI_INT, win);
        MPI_Win_complete(win);
        MPI_Group_free(&to);
    }
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    free(slots);
    MPI_Finalize();
    return 0;
}
