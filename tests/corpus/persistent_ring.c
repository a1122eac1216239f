// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a token ring on persistent requests. Each rank sets up one
// MPI_Recv_init from the left and one MPI_Send_init to the right once, then
// in every iteration starts both with MPI_Startall, waits with MPI_Waitall,
// and transforms the token; the requests are freed at the end.
#include <mpi.h>
#include <stdio.h>

#define LEN 4
#define ITERS 25

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = (rank + size - 1) % size, right = (rank + 1) % size;

    long sendbuf[LEN], recvbuf[LEN];
    MPI_Request reqs[2];
    MPI_Recv_init(recvbuf, LEN, MPI_LONG, left, 7, MPI_COMM_WORLD, &reqs[0]);
    MPI_Send_init(sendbuf, LEN, MPI_LONG, right, 7, MPI_COMM_WORLD, &reqs[1]);
    for (int i = 0; i < LEN; i++)
        sendbuf[i] = rank;
    for (int it = 0; it < ITERS; it++) {
        MPI_Startall(2, reqs);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = recvbuf[i] + 1;
    }
    // After ITERS hops the value came from ITERS ranks to the left, plus ITERS increments - 1.
    const long want = ((rank - ITERS) % size + size) % size + ITERS - 1;
    if (recvbuf[0] != want) {
        fprintf(stderr, "persistent_ring: rank %d got %ld want %ld\n", rank, recvbuf[0], want);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);
    if (rank == 0)
        printf("persistent_ring: %d iterations ok\n", ITERS);
    MPI_Finalize();
    return 0;
}
