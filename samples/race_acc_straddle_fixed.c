// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_acc_straddle_bug.c: in rank 1's byte-addressed window
// (disp_unit 1) of int bins, rank 0 adds to bins 0 and 1 (bytes [0,8)) and
// rank 2 adds to bin 1 at byte bin * sizeof(int) = 4, i.e. exactly on rank
// 0's second element. Same basic datatype on the same element-aligned
// bytes: the two accumulates are atomic with respect to each other.
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
        MPI_Accumulate(two, 2, MPI_INT, 1, 0, 2, MPI_INT, MPI_SUM, win);
    if (rank == 2) {
        MPI_Aint where = bin * sizeof(int);
        MPI_Accumulate(&one, 1, MPI_INT, 1, where, 1, MPI_INT, MPI_SUM, win);
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 1 && (bins[0] != 1 || bins[1] != 2 || bins[2] != 0)) {
        fprintf(stderr, "race_acc_straddle_fixed: bins %d %d %d\n", bins[0], bins[1], bins[2]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_acc_straddle_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
