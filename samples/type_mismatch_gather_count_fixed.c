// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of type_mismatch_gather_count_bug.c: the root receives one
// double from each rank (recvcount 1). The Allgather after it passes
// MPI_IN_PLACE (its send count and type are not used), and the Bcast a
// derived type at the root with the same signature as the members'
// 2 x MPI_DOUBLE: both fine.
#include <mpi.h>
#include <stdio.h>

enum { MAX_RANKS = 64 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    double partial = 1.5 * rank, all[MAX_RANKS] = {0};
    MPI_Gather(&partial, 1, MPI_DOUBLE, all, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("partials: %g %g %g\n", all[0], all[1], all[2]);

    MPI_Datatype two_doubles;
    MPI_Type_contiguous(2, MPI_DOUBLE, &two_doubles);
    MPI_Type_commit(&two_doubles);
    double pairs[2 * MAX_RANKS];
    pairs[2 * rank] = rank, pairs[2 * rank + 1] = -rank;
    MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, pairs, 2, MPI_DOUBLE, MPI_COMM_WORLD);
    double first[2] = {pairs[0], pairs[1]};
    if (rank == 0)
        MPI_Bcast(first, 1, two_doubles, 0, MPI_COMM_WORLD);
    else
        MPI_Bcast(first, 2, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    printf("rank %d: first pair %g %g, last pair %g %g\n", rank, first[0], first[1], pairs[2 * size - 2],
           pairs[2 * size - 1]);
    MPI_Type_free(&two_doubles);
    MPI_Finalize();
    return 0;
}
