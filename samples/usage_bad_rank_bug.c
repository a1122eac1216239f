// rmacheck-sample: ranks=3 timeout=60 complete=false exit=6
// rmacheck-expect: invalid-arg at=send ranks=2
// rmacheck-expect: mpi-error at=send ranks=2
// rmacheck-expect: program-failed at=send
// rmacheck-lint-expect: none
//
// A non-periodic shift: every rank sends its value to the right neighbour
// and receives from the left one. The left neighbour of rank 0 is correctly
// MPI_PROC_NULL, but the right neighbour is computed as rank + 1 without a
// bound, so the last rank sends to rank 3 of a 3-rank communicator. Open
// MPI rejects the Isend (MPI_ERR_RANK, fatal). Fixed twin:
// usage_bad_rank_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    int right = rank + 1;   // BUG: should be MPI_PROC_NULL on the last rank

    double mine = rank + 0.5, ghost = -1.0;
    MPI_Request reqs[2];
    MPI_Irecv(&ghost, 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Isend(&mine, 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &reqs[1]);   // @send
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    printf("rank %d: ghost %g\n", rank, ghost);
    MPI_Finalize();
    return 0;
}
