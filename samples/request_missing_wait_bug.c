// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-misuse at=startall,finalize
// rmacheck-expect: request-leak at=recv_init
// rmacheck-expect: request-leak at=send_init
// rmacheck-lint-expect: request-misuse at=startall,finalize
// rmacheck-lint-expect: request-leak at=recv_init
// rmacheck-lint-expect: request-leak at=send_init
//
// BUG: a persistent request started and never completed. The ring exchange is
// pipelined: each iteration waits for the exchange in flight, uses it, and
// starts the next one. After the last iteration that next exchange is
// started for nothing and never completed by MPI_Wait/MPI_Test (nor are the
// requests freed): both requests are still active at MPI_Finalize. The
// fixed twin is request_missing_wait_fixed.c.
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
    MPI_Recv_init(recvbuf, LEN, MPI_INT, left, 0, MPI_COMM_WORLD, &reqs[0]);  // @recv_init
    MPI_Send_init(sendbuf, LEN, MPI_INT, right, 0, MPI_COMM_WORLD, &reqs[1]);  // @send_init

    for (int i = 0; i < LEN; i++)
        sendbuf[i] = rank;
    MPI_Startall(2, reqs);
    for (int it = 0; it < ITERS; it++) {
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        sum += recvbuf[0];
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = recvbuf[i];
        MPI_Startall(2, reqs);  // @startall
    }

    if (rank == 0)
        printf("request_missing_wait_bug: sum %d\n", sum);
    MPI_Finalize();  // @finalize
    return 0;
}
