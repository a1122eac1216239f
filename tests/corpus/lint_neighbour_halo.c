// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): a 2-D halo exchange on a 2x2 process grid in the style of
// stencil codes: the neighbours in an array indexed by direction (some are
// MPI_PROC_NULL at the edges, and the loop skips them), one Put per
// direction between two fences, persistent sends/receives created in a
// loop over the neighbours, restarted every step and freed in a loop.
// Each rank writes its own interior only after the closing fence.
#include <mpi.h>
#include <stdio.h>

#define NDIR 4
#define STEPS 3

enum { WEST, EAST, SOUTH, NORTH };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 4) {
        if (rank == 0)
            fprintf(stderr, "lint_neighbour_halo: needs 4 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    const int px = rank % 2, py = rank / 2;
    int nbr[NDIR];
    nbr[WEST] = px > 0 ? rank - 1 : MPI_PROC_NULL;
    nbr[EAST] = px < 1 ? rank + 1 : MPI_PROC_NULL;
    nbr[SOUTH] = py > 0 ? rank - 2 : MPI_PROC_NULL;
    nbr[NORTH] = py < 1 ? rank + 2 : MPI_PROC_NULL;
    // The slot a neighbour in direction d writes into on this rank is opposite(d).
    const int opposite[NDIR] = {EAST, WEST, NORTH, SOUTH};

    double ghost[NDIR] = {0, 0, 0, 0}, edge[NDIR];
    MPI_Win win;
    MPI_Win_create(ghost, sizeof ghost, sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    for (int step = 0; step < STEPS; step++) {
        for (int d = 0; d < NDIR; d++)
            edge[d] = 100 * rank + 10 * step + d;
        MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
        for (int d = 0; d < NDIR; d++) {
            if (nbr[d] == MPI_PROC_NULL)
                continue;
            MPI_Put(&edge[d], 1, MPI_DOUBLE, nbr[d], opposite[d], 1, MPI_DOUBLE, win);
        }
        MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
        for (int d = 0; d < NDIR; d++)
            if (nbr[d] != MPI_PROC_NULL && ghost[d] != 100 * nbr[d] + 10 * step + opposite[d]) {
                fprintf(stderr, "rank %d step %d: ghost[%d] = %g\n", rank, step, d, ghost[d]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
    }
    MPI_Win_free(&win);

    // The same exchange on persistent requests, one pair per direction.
    double out[NDIR], in[NDIR];
    MPI_Request req[2 * NDIR];
    for (int d = 0; d < NDIR; d++) {
        MPI_Recv_init(&in[d], 1, MPI_DOUBLE, nbr[d], opposite[d], MPI_COMM_WORLD, &req[d]);
        MPI_Send_init(&out[d], 1, MPI_DOUBLE, nbr[d], d, MPI_COMM_WORLD, &req[NDIR + d]);
    }
    for (int step = 0; step < STEPS; step++) {
        for (int d = 0; d < NDIR; d++)
            out[d] = rank + step;
        MPI_Startall(2 * NDIR, req);
        MPI_Waitall(2 * NDIR, req, MPI_STATUSES_IGNORE);
        for (int d = 0; d < NDIR; d++)
            if (nbr[d] != MPI_PROC_NULL && in[d] != nbr[d] + step) {
                fprintf(stderr, "rank %d step %d: in[%d] = %g\n", rank, step, d, in[d]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
    }
    for (int i = 0; i < 2 * NDIR; i++)
        MPI_Request_free(&req[i]);
    if (rank == 0)
        printf("lint_neighbour_halo: ok\n");
    MPI_Finalize();
    return 0;
}
