// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-misuse at=startall,startall2
// rmacheck-expect: mpi-error at=startall2
// rmacheck-lint-expect: request-misuse at=startall,startall2
//
// BUG: MPI_Startall on active persistent requests. The ring exchange "primes"
// the pipeline by starting both persistent requests before the loop, and the
// loop starts them again before waiting: the first MPI_Startall of the loop
// restarts requests that are still active. That is erroneous; Open MPI
// rejects it with MPI_ERR_REQUEST, which this program (MPI_ERRORS_RETURN)
// only prints, so the first iteration silently waits for the primed exchange
// instead. The fixed twin is request_start_active_fixed.c.
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

    MPI_Startall(2, reqs);  // @startall
    for (int it = 0; it < ITERS; it++) {
        int rc = MPI_Startall(2, reqs);  // @startall2
        if (rc != MPI_SUCCESS)
            fprintf(stderr, "request_start_active_bug: rank %d iteration %d: MPI_Startall failed (%d)\n", rank, it, rc);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    }
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_start_active_bug: done\n");
    MPI_Finalize();
    return 0;
}
