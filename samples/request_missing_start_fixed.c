// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of request_missing_start_bug.c: both persistent requests of the
// ring exchange are started (MPI_Startall) before every MPI_Waitall.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define LEN 4
#define ITERS 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int sendbuf[LEN], recvbuf[LEN] = {0}, sum = 0;
    MPI_Request reqs[2];
    MPI_Recv_init(recvbuf, LEN, MPI_INT, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Send_init(sendbuf, LEN, MPI_INT, right, 0, MPI_COMM_WORLD, &reqs[1]);

    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = rank + it;
        MPI_Startall(2, reqs);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        sum += recvbuf[0];
    }
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);

    if (rank == 0 && sum != ITERS * (size - 1) + ITERS * (ITERS - 1) / 2) {
        fprintf(stderr, "request_missing_start_fixed: sum %d\n", sum);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_missing_start_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
