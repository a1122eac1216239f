// rmacheck-sample: ranks=4 timeout=20
// rmacheck-expect: request-misuse at=start_early,start_again
// rmacheck-expect[openmpi]: request-misuse at=start_early,start_again
// rmacheck-expect[openmpi]: hang at=wait
// rmacheck-expect[mpich]: request-misuse at=start_early,start_again
// rmacheck-expect[mpich]: mpi-error at=start_again
// rmacheck-lint-expect: none
//
// BUG: a persistent collective (MPI-4 MPI_Allreduce_init; Open MPI 4.1 spells
// it MPIX_Allreduce_init) started again while still active. Each iteration
// starts the reduction, and the first one also "prefetches" the next start
// before waiting: MPI_Start on an active persistent request is erroneous,
// whatever the request's operation (MPI-4.0 section 3.9, 6.13). This program
// (MPI_ERRORS_RETURN) only prints what the library says: MPICH rejects the
// second start (MPI_ERR_REQUEST), Open MPI 4.1 takes it and the ranks then
// hang in MPI_Wait (stopped by --timeout). The fixed twin is
// pcoll_restart_active_fixed.c.
#include <mpi.h>
#include <stdio.h>
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#define ALLREDUCE_INIT MPIX_Allreduce_init
#else
#define ALLREDUCE_INIT MPI_Allreduce_init
#endif

#define ITERS 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int local = rank + 1, sum = 0;
    MPI_Request req;
    ALLREDUCE_INIT(&local, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
    for (int it = 0; it < ITERS; it++) {
        if (it == 0) {
            MPI_Start(&req);  // @start_early
        }
        int rc = MPI_Start(&req);  // @start_again
        if (rc != MPI_SUCCESS)
            fprintf(stderr, "pcoll_restart_active_bug: rank %d iteration %d: MPI_Start failed (%d)\n", rank, it, rc);
        MPI_Wait(&req, MPI_STATUS_IGNORE);  // @wait
    }
    MPI_Request_free(&req);

    if (rank == 0)
        printf("pcoll_restart_active_bug: sum %d\n", sum);
    MPI_Finalize();
    return 0;
}
