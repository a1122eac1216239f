// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of request_start_active_bug.c: the persistent requests are
// started only inside the loop, each start followed by the MPI_Waitall that
// completes it, so no request is started while active.
#include <mpi.h>
#include <stdio.h>

#define LEN 8
#define ITERS 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int sendbuf[LEN], recvbuf[LEN];
    for (int i = 0; i < LEN; i++)
        sendbuf[i] = rank;
    MPI_Request reqs[2];
    MPI_Recv_init(recvbuf, LEN, MPI_INT, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Send_init(sendbuf, LEN, MPI_INT, right, 0, MPI_COMM_WORLD, &reqs[1]);

    for (int it = 0; it < ITERS; it++) {
        int rc = MPI_Startall(2, reqs);
        if (rc != MPI_SUCCESS)
            fprintf(stderr, "request_start_active_fixed: rank %d iteration %d: MPI_Startall failed (%d)\n", rank, it, rc);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        if (recvbuf[0] != left) {
            fprintf(stderr, "request_start_active_fixed: rank %d got %d\n", rank, recvbuf[0]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_start_active_fixed: done\n");
    MPI_Finalize();
    return 0;
}
