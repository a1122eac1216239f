// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: type-mismatch at=gather ranks=0
// rmacheck-lint-expect: none
//
// Every rank computes one partial sum and the root gathers them into an
// array of one double per rank. The root's receive count is written as
// the array's length, but MPI_Gather's recvcount is the count received
// from EACH rank: the root expects blocks of 3 doubles, the members send 1.
// MPI does not check this: the program runs, and the root's array holds
// rank 1's value at index 3 (past the end) instead of index 1.
// Fixed twin: type_mismatch_gather_count_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { MAX_RANKS = 64 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    double partial = 1.5 * rank, all[3 * MAX_RANKS] = {0};   // room for the bug's spacing, so nothing overflows
    MPI_Gather(&partial, 1, MPI_DOUBLE, all, size, MPI_DOUBLE, 0, MPI_COMM_WORLD);   // @gather BUG: recvcount must be 1
    if (rank == 0) printf("partials: %g %g %g\n", all[0], all[1], all[2]);
    MPI_Finalize();
    return 0;
}
