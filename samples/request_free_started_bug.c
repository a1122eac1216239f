// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-misuse at=request_free,startall
// rmacheck-expect: request-misuse at=request_free2,startall
// rmacheck-lint-expect: request-misuse at=startall,request_free
// rmacheck-lint-expect: request-misuse at=startall,request_free2
//
// BUG: persistent requests started and freed without ever being completed
// (a missing wait, rma-semantics.md section 6). The pipelined ring exchange
// starts the next exchange at the end of every iteration, so after the loop
// one exchange is still in flight when the requests are freed. MPI lets the
// operations finish, but the program can never know when: the buffers may
// not be reused or released safely. (For a nonblocking request the same
// free is legal and only a warning: request_free_active_bug.c.) The fixed
// twin is request_free_started_fixed.c.
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

    static int sendbuf[LEN], recvbuf[LEN];
    int sum = 0;
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
        MPI_Startall(2, reqs);  // @startall
    }
    MPI_Request_free(&reqs[0]);  // @request_free
    MPI_Request_free(&reqs[1]);  // @request_free2

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_free_started_bug: sum %d\n", sum);
    MPI_Finalize();
    return 0;
}
