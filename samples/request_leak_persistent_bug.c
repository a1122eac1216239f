// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-leak at=send_init ranks=0,1,2,3
// rmacheck-expect: request-leak at=recv_init ranks=0,1,2,3
// rmacheck-lint-expect: request-leak at=recv_init
// rmacheck-lint-expect: request-leak at=send_init
//
// BUG: a ring exchange with persistent requests that never frees them. Each
// rank sets up one persistent send to its right neighbour and one persistent
// receive from its left neighbour, restarts both every iteration and
// completes them with MPI_Waitall, but never calls MPI_Request_free: both
// requests are still allocated at MPI_Finalize (a leak on every rank).
// The fixed twin is request_leak_persistent_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define LEN 16
#define ITERS 5

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    double sendbuf[LEN], recvbuf[LEN], sum = 0;
    MPI_Request reqs[2];
    MPI_Recv_init(recvbuf, LEN, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &reqs[0]);  // @recv_init
    MPI_Send_init(sendbuf, LEN, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &reqs[1]);  // @send_init

    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = rank * 1000 + it * 10 + i;
        MPI_Startall(2, reqs);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        sum += recvbuf[0];
    }
    // Missing: MPI_Request_free(&reqs[0]); MPI_Request_free(&reqs[1]);

    double total;
    MPI_Reduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_leak_persistent_bug: total %g\n", total);
    MPI_Finalize();
    return 0;
}
