// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-misuse at=startall
// rmacheck-expect: mpi-error at=startall
// rmacheck-lint-expect: none
//
// BUG: a persistent request used after MPI_Request_free. The ring exchange
// frees its persistent requests after the main loop, then a final exchange
// of the result restarts them: MPI_Request_free has set the handles to
// MPI_REQUEST_NULL, so MPI_Startall fails (the program installed
// MPI_ERRORS_RETURN and only prints the error) and the result is never sent.
// The fixed twin is request_use_after_free_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define LEN 4
#define ITERS 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int sendbuf[LEN], recvbuf[LEN] = {0};
    MPI_Request reqs[2];
    MPI_Recv_init(recvbuf, LEN, MPI_INT, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Send_init(sendbuf, LEN, MPI_INT, right, 0, MPI_COMM_WORLD, &reqs[1]);
    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < LEN; i++)
            sendbuf[i] = rank * 10 + it;
        MPI_Startall(2, reqs);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    }
    MPI_Request_free(&reqs[0]);   // too early: the final exchange below still needs them
    MPI_Request_free(&reqs[1]);

    // Final exchange: pass on the last value received.
    for (int i = 0; i < LEN; i++)
        sendbuf[i] = recvbuf[i];
    int rc = MPI_Startall(2, reqs);  // @startall
    if (rc != MPI_SUCCESS) {
        char msg[MPI_MAX_ERROR_STRING];
        int len;
        MPI_Error_string(rc, msg, &len);
        fprintf(stderr, "request_use_after_free_bug: rank %d: MPI_Startall: %s\n", rank, msg);
    }
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);   // null requests: returns at once

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_use_after_free_bug: done\n");
    MPI_Finalize();
    return 0;
}
