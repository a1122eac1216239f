// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of usage_persistent_tag_hang.c: the persistent receive uses
// the tag the persistent send sends with.
#include <mpi.h>
#include <stdio.h>

enum { TAG_EDGE = 4 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double edge = rank, halo = -1.0;
    MPI_Request req;
    if (rank == 0)
        MPI_Ssend_init(&edge, 1, MPI_DOUBLE, 1, TAG_EDGE, MPI_COMM_WORLD, &req);
    else
        MPI_Recv_init(&halo, 1, MPI_DOUBLE, 0, TAG_EDGE, MPI_COMM_WORLD, &req);
    MPI_Start(&req);
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    printf("rank %d: halo %g\n", rank, halo);
    MPI_Request_free(&req);
    MPI_Finalize();
    return 0;
}
