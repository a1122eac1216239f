// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Rank 0 gathers per-rank statistics into a window of doubles: every rank
// converts its counter to double and puts 1 x MPI_DOUBLE into 1 x
// MPI_DOUBLE. Fixed twin of rma_type_mismatch_bug.c.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    double *stats;
    MPI_Win win;
    MPI_Aint bytes = rank == 0 ? size * sizeof(double) : 0;
    MPI_Win_allocate(bytes, sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &stats, &win);

    int counts[2] = {rank * 3, rank * 5};   // e.g. cells owned, cells refined
    double ratio = counts[0] / (counts[1] + 1.0);
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&ratio, 1, MPI_DOUBLE, 0, rank, 1, MPI_DOUBLE, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0) {
        for (int r = 0; r < size; r++)
            if (stats[r] != r * 3 / (r * 5 + 1.0))
                MPI_Abort(MPI_COMM_WORLD, 1);
        printf("rma_type_mismatch_fixed: OK\n");
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
