// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=cas,sum ranks=1,2
// rmacheck-lint-expect: none
//
// Compare_and_swap counts as MPI_REPLACE for the same-op rule, and under the
// default accumulate_ops (same_op_no_op) concurrent atomics on one location
// must use one op or MPI_NO_OP: rank 1's Compare_and_swap on rank 0's
// counter and rank 2's Fetch_and_op(MPI_SUM) on it, in one lock_all epoch,
// are not atomic with each other. Fixed twin: race_cas_replace_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *word;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &word, &win);
    *word = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    int one = 1, zero = 0, old = -1, mark = 100;
    MPI_Win_lock_all(0, win);
    if (rank == 1)
        MPI_Compare_and_swap(&mark, &zero, &old, MPI_INT, 0, 0, win);  // @cas
    if (rank == 2)
        MPI_Fetch_and_op(&one, &old, MPI_INT, 0, 0, MPI_SUM, win);  // @sum
    MPI_Win_unlock_all(win);

    printf("race_cas_sum_bug: rank %d saw %d\n", rank, old);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
