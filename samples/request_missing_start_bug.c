// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-misuse at=recv_init,waitall
// rmacheck-lint-expect: request-misuse at=recv_init,waitall
//
// BUG: a persistent request waited on but never started. Each iteration of
// the ring exchange starts the persistent send, but the persistent receive is
// never started: MPI_Waitall returns at once for the inactive receive, the
// data that arrives is never received, and recvbuf keeps its initial values.
// The fixed twin is request_missing_start_fixed.c.
#include <mpi.h>
#include <stdio.h>

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
    MPI_Recv_init(recvbuf, LEN, MPI_INT, left, 0, MPI_COMM_WORLD, &reqs[0]);  // @recv_init
    MPI_Send_init(sendbuf, LEN, MPI_INT, right, 0, MPI_COMM_WORLD, &reqs[1]);

    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = rank + it;
        MPI_Start(&reqs[1]);   // missing: MPI_Start(&reqs[0])
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);  // @waitall
        sum += recvbuf[0];
    }
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_missing_start_bug: sum %d (expected %d)\n", sum, ITERS * (size - 1) + ITERS * (ITERS - 1) / 2);
    MPI_Finalize();
    return 0;
}
