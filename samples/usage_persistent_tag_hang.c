// rmacheck-sample: ranks=2 timeout=8 complete=false
// rmacheck-expect: hang at=wait
// rmacheck-lint-expect: none
//
// A persistent send and receive that were meant to pair but use different
// tags: rank 0 sends the boundary with a synchronous persistent send (it
// completes only when received) and tag TAG_EDGE, rank 1 posts its
// persistent receive with TAG_HALO. The receive never matches, both ranks
// wait forever, and the run is stopped by --timeout. The hang finding names
// the blocked calls and the pending send and receive with their peers, tags
// and communicator, side by side. Fixed twin: usage_persistent_tag_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { TAG_EDGE = 4, TAG_HALO = 5 };

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
        MPI_Recv_init(&halo, 1, MPI_DOUBLE, 0, TAG_HALO, MPI_COMM_WORLD, &req);   // BUG: TAG_EDGE
    MPI_Start(&req);
    MPI_Wait(&req, MPI_STATUS_IGNORE);   // @wait
    printf("rank %d: halo %g\n", rank, halo);
    MPI_Request_free(&req);
    MPI_Finalize();
    return 0;
}
