// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: request-free-active at=free,isend ranks=0
// rmacheck-lint-expect: request-free-active at=free,isend
//
// BUG (a warning: legal MPI, but fragile): "fire and forget". Rank 0 sends
// a status word with MPI_Isend and frees the request at once instead of
// completing it. MPI still delivers the message, but rank 0 can never know
// when its buffer is free again, so reusing or releasing it is unsafe.
// (For a started persistent request the same free is an error, a missing
// wait: request_free_started_bug.c.) Fixed twin: request_free_active_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    static int status_word = 0;
    if (rank == 0) {
        MPI_Request req;
        status_word = 42;
        MPI_Isend(&status_word, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, &req);   // @isend
        MPI_Request_free(&req);   // @free
    } else if (rank == 1) {
        int got;
        MPI_Recv(&got, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf("status %d\n", got);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
