// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=accumulate,accumulate2 ranks=0,2
// rmacheck-lint-expect: none
//
// A byte-addressed window (disp_unit 1) of int bins on rank 1. Rank 0 adds to
// bins 0 and 1 (bytes [0,8)) with MPI_Accumulate(MPI_INT, MPI_SUM); rank 2
// adds to bin 1 but computes its byte displacement with sizeof(short), so
// its MPI_INT lands on bytes [2,6), straddling bins 0 and 1. Same basic
// datatype, but not the same element-aligned bytes: the accumulates are not
// atomic with respect to each other and conflict. See race_acc_straddle_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define NBINS 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int bins[NBINS] = {0};
    MPI_Win win;
    MPI_Win_create(bins, sizeof bins, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int two[2] = {1, 1}, one = 1, bin = 1;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    if (rank == 0)
        MPI_Accumulate(two, 2, MPI_INT, 1, 0, 2, MPI_INT, MPI_SUM, win);  // @accumulate
    if (rank == 2) {
        MPI_Aint where = bin * sizeof(short);   // BUG: bins are ints
        MPI_Accumulate(&one, 1, MPI_INT, 1, where, 1, MPI_INT, MPI_SUM, win);  // @accumulate2
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 1)
        printf("race_acc_straddle_bug: bins %d %d\n", bins[0], bins[1]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
