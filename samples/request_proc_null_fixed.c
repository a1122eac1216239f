// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// A 1-D halo exchange on a non-periodic line: the end ranks have
// MPI_PROC_NULL as one neighbour, and post their MPI_Irecv/MPI_Isend to it
// like to a real one. Open MPI hands back ONE shared, already complete
// request for every operation on MPI_PROC_NULL, so rank 0's MPI_Waitall sees
// the same handle twice (and rank 2's too); each still completes its own
// operation. Request identity comes from the call that made the request,
// not from the handle value: no leak, no misuse. Buggy twin:
// request_proc_null_leak_bug.c.
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
    for (int step = 0; step < 3; step++) {
        MPI_Request reqs[4];
        MPI_Irecv(&u[0], 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &reqs[0]);
        MPI_Irecv(&u[N + 1], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD, &reqs[1]);
        MPI_Isend(&u[1], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &reqs[2]);
        MPI_Isend(&u[N], 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &reqs[3]);
        MPI_Waitall(4, reqs, MPI_STATUSES_IGNORE);
        for (int i = 1; i <= N; i++)
            u[i] = 0.5 * (u[i - 1] + u[i + 1]);
    }
    printf("request_proc_null_fixed: rank %d u[1]=%g\n", rank, u[1]);
    MPI_Finalize();
    return 0;
}
