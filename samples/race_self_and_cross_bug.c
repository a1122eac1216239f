// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put ranks=0
// rmacheck-expect: rma-conflict at=put ranks=0,1
// rmacheck-lint-expect: none
//
// Ranks 0 and 1 Put into the same element of rank 2's window from one line
// in one fence epoch, rank 0 twice. Two different bugs share that line: rank 0
// races with itself (its two Puts are unordered until the fence: needs a
// flush or another epoch between them), and ranks 0 and 1 race with each
// other (needs an order between the ranks). The report keeps them apart: a
// merged finding would describe one and hide the other.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *base;
    MPI_Win win;
    MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    int v[2] = {rank, rank + 10};
    MPI_Win_fence(0, win);
    const int puts = rank == 0 ? 2 : rank == 1 ? 1 : 0;
    for (int k = 0; k < puts; k++)
        MPI_Put(&v[k], 1, MPI_INT, 2, 0, 1, MPI_INT, win);   // @put BUG: same element, unordered
    MPI_Win_fence(0, win);

    if (rank == 2)
        printf("race_self_and_cross_bug: element 0 is %d\n", base[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
