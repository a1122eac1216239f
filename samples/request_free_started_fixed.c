// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of request_free_started_bug.c: the pipelined ring exchange
// completes the exchange still in flight after the loop, then frees both
// (now inactive) persistent requests.
#include <mpi.h>
#include <stdio.h>

#define LEN 8
#define ITERS 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int sendbuf[LEN], recvbuf[LEN], sum = 0;
    MPI_Request reqs[2];
    MPI_Recv_init(recvbuf, LEN, MPI_INT, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Send_init(sendbuf, LEN, MPI_INT, right, 0, MPI_COMM_WORLD, &reqs[1]);

    for (int i = 0; i < LEN; i++)
        sendbuf[i] = rank;
    MPI_Startall(2, reqs);
    for (int it = 0; it < ITERS; it++) {
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        sum += recvbuf[0];
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = recvbuf[i];
        MPI_Startall(2, reqs);
    }
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_free_started_fixed: sum %d\n", sum);
    MPI_Finalize();
    return 0;
}
