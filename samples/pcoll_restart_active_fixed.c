// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of pcoll_restart_active_bug.c: the persistent collective
// (MPI_Allreduce_init, MPIX_Allreduce_init on Open MPI 4.1) is started once
// per iteration and completed by MPI_Wait before the next start and before
// MPI_Request_free.
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
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int local = rank + 1, sum = 0;
    MPI_Request req;
    ALLREDUCE_INIT(&local, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
    for (int it = 0; it < ITERS; it++) {
        MPI_Start(&req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        if (sum != size * (size + 1) / 2)
            fprintf(stderr, "pcoll_restart_active_fixed: rank %d: sum %d\n", rank, sum);
    }
    MPI_Request_free(&req);

    if (rank == 0)
        printf("pcoll_restart_active_fixed: sum %d\n", sum);
    MPI_Finalize();
    return 0;
}
