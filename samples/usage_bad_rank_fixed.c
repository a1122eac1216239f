// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of usage_bad_rank_bug.c: both ends of the non-periodic shift
// use MPI_PROC_NULL, for which the send and the receive do nothing.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;

    double mine = rank + 0.5, ghost = -1.0;
    MPI_Request reqs[2];
    MPI_Irecv(&ghost, 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Isend(&mine, 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &reqs[1]);
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    printf("rank %d: ghost %g\n", rank, ghost);
    MPI_Finalize();
    return 0;
}
