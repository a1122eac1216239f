// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of request_leak_persistent_bug.c: the ring exchange with
// persistent requests frees both requests (inactive after the last
// MPI_Waitall) before MPI_Finalize.
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
    MPI_Recv_init(recvbuf, LEN, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Send_init(sendbuf, LEN, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &reqs[1]);

    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = rank * 1000 + it * 10 + i;
        MPI_Startall(2, reqs);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        sum += recvbuf[0];
    }
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);

    double total;
    MPI_Reduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_leak_persistent_fixed: total %g\n", total);
    MPI_Finalize();
    return 0;
}
