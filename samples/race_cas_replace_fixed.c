// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// The MCS-lock pattern on rank 0's tail pointer, in one MPI_Win_lock_all
// epoch: every rank swaps itself in as the tail with
// MPI_Fetch_and_op(MPI_REPLACE), one rank tries to release with
// MPI_Compare_and_swap, and one polls with MPI_Fetch_and_op(MPI_NO_OP).
// For the same-op rule, Compare_and_swap counts as MPI_REPLACE, and MPI_NO_OP
// is compatible with both (rma-semantics.md section 4): all of these are
// atomic together on the one int. Buggy twin: race_cas_sum_bug.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *tail;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &tail, &win);
    *tail = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    int prev = -2, seen = -2, expected = rank, nobody = -1, cas_old = -2;
    MPI_Win_lock_all(0, win);
    MPI_Fetch_and_op(&rank, &prev, MPI_INT, 0, 0, MPI_REPLACE, win);
    MPI_Win_flush(0, win);
    if (rank == 1)
        MPI_Compare_and_swap(&nobody, &expected, &cas_old, MPI_INT, 0, 0, win);
    if (rank == 2)
        MPI_Fetch_and_op(NULL, &seen, MPI_INT, 0, 0, MPI_NO_OP, win);
    MPI_Win_unlock_all(win);

    printf("race_cas_replace_fixed: rank %d queued after %d\n", rank, prev);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
