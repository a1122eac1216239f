// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: invalid-rma-arg at=put
// rmacheck-lint-expect: none
//
// Rank 0 gathers per-rank statistics into a window of doubles. Every rank
// sends its two int counters "as 8 bytes" into its double slot: the origin
// data (2 x MPI_INT) and the target data (1 x MPI_DOUBLE) have the same
// size but different type signatures, which MPI forbids (and rank 0 reads
// garbage doubles). Open MPI does not notice.
// Fixed twin: rma_type_mismatch_fixed.c.
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
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&counts, 2, MPI_INT, 0, rank, 1, MPI_DOUBLE, win);   // @put BUG: 2 ints into 1 double
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0)
        for (int r = 0; r < size; r++)
            printf("rma_type_mismatch: rank %d -> %g\n", r, stats[r]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
