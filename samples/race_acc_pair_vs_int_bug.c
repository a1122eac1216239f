// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=maxloc,sum ranks=1,2
// rmacheck-lint-expect: none
//
// A pair is one atomic element, and only accumulates on the SAME predefined
// datatype are atomic together: rank 1 offers a (value, rank) pair to rank
// 0's slot with MPI_MAXLOC on MPI_2INT while rank 2, in the same fence
// epoch, adds to the value half with MPI_SUM on MPI_INT. MPI_2INT and MPI_INT
// are different datatypes, so the two updates of bytes [0,4) race. Fixed
// twin: race_acc_pair_fixed.c (every update of the pair uses MPI_2INT).
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *slot;
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    slot[0] = 0, slot[1] = -1;

    int pair[2] = {10, rank}, one = 1;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    if (rank == 1)
        MPI_Accumulate(pair, 1, MPI_2INT, 0, 0, 1, MPI_2INT, MPI_MAXLOC, win);  // @maxloc
    if (rank == 2)
        MPI_Accumulate(&one, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, win);  // @sum
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0)
        printf("race_acc_pair_vs_int_bug: slot %d %d\n", slot[0], slot[1]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
