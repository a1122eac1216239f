// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of request_free_active_bug.c: rank 0 completes its MPI_Isend
// with MPI_Wait instead of freeing the active request.
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
        MPI_Isend(&status_word, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
        int got;
        MPI_Recv(&got, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf("status %d\n", got);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
