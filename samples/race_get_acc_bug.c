// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=accumulate,get ranks=0,2
// rmacheck-lint-expect: none
//
// Progress counters on rank 1: worker rank 0 adds the items it finished to
// rank 1's counters with MPI_Accumulate (MPI_SUM), while monitor rank 2 reads
// them with a plain MPI_Get, all inside one MPI_Win_lock_all epoch. A Get is
// not an atomic operation: it conflicts with the concurrent Accumulate on
// the same bytes (the monitor may read torn values). Reading with
// MPI_Get_accumulate(MPI_NO_OP) fixes it, see race_get_acc_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define NC 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int counters[NC] = {0};
    MPI_Win win;
    MPI_Win_create(counters, sizeof counters, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int done[NC] = {5, 6, 7, 8}, seen[NC] = {0};
    MPI_Win_lock_all(0, win);
    if (rank == 0)
        MPI_Accumulate(done, NC, MPI_INT, 1, 0, NC, MPI_INT, MPI_SUM, win);  // @accumulate
    if (rank == 2)
        MPI_Get(seen, NC, MPI_INT, 1, 0, NC, MPI_INT, win);   // @get BUG: not atomic w.r.t. the Accumulate
    MPI_Win_unlock_all(win);

    if (rank == 2)
        printf("race_get_acc_bug: monitor sees %d %d %d %d\n", seen[0], seen[1], seen[2], seen[3]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
