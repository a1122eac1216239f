// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: request-leak at=isend ranks=0,1,2
// rmacheck-lint-expect: none
//
// Buggy twin of request_proc_null_fixed.c: the halo exchange completes the
// receives and the left send, but never the send to the right neighbour.
// On rank 2 that neighbour is MPI_PROC_NULL, and Open MPI's shared
// MPI_PROC_NULL request has the same handle value as rank 2's completed
// left receive: the leak is still real (by the standard every request must
// be completed), and it is proved by the MPI_Isend that made the request,
// not by the handle value. Every rank leaks its right send.
#include <mpi.h>
#include <stdio.h>

#define N 8

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    const int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;

    double u[N + 2];
    for (int i = 0; i < N + 2; i++)
        u[i] = rank;
    MPI_Request reqs[4];
    MPI_Irecv(&u[0], 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Irecv(&u[N + 1], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD, &reqs[1]);
    MPI_Isend(&u[1], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &reqs[2]);
    MPI_Isend(&u[N], 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &reqs[3]);  // @isend
    MPI_Waitall(3, reqs, MPI_STATUSES_IGNORE);  // BUG: reqs[3] is never completed
    printf("request_proc_null_leak_bug: rank %d halo %g %g\n", rank, u[0], u[N + 1]);
    MPI_Finalize();
    return 0;
}
