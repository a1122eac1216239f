// rmacheck-sample: ranks=2 timeout=60
// rmacheck-sample[openmpi]: skip=MPI-4 partitioned communication (MPI_Psend_init, MPI_Pready_range): Open MPI 4.1 has no such calls, so the program builds against MPICH only
// rmacheck-expect: invalid-arg at=range,init ranks=0
// rmacheck-expect: mpi-error at=range ranks=0
// rmacheck-lint-expect: none
//
// BUG: MPI_Pready_range with an exclusive upper bound. The partitions of a
// partitioned send are 0 .. partitions-1 and MPI_Pready_range's bounds are
// both inclusive (MPI-4.0 section 4.2.2), so (0, PARTS) names partition
// PARTS, which does not exist. This program (MPI_ERRORS_RETURN) only prints
// what the library says (MPICH rejects the call), then marks the right range. The fixed twin is part_pready_range_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define PARTS 4
#define COUNT 8

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int buf[PARTS * COUNT];
    MPI_Request req;
    if (rank == 0) {
        for (int i = 0; i < PARTS * COUNT; i++)
            buf[i] = i;
        MPI_Psend_init(buf, PARTS, COUNT, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);  // @init
        MPI_Start(&req);
        int rc = MPI_Pready_range(0, PARTS, req);  // @range
        if (rc != MPI_SUCCESS) {
            fprintf(stderr, "part_pready_range_bug: MPI_Pready_range failed (%d)\n", rc);
            MPI_Pready_range(0, PARTS - 1, req);
        }
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
        MPI_Precv_init(buf, PARTS, COUNT, MPI_INT, 0, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
        MPI_Start(&req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        printf("part_pready_range_bug: last element %d\n", buf[PARTS * COUNT - 1]);
    }
    if (rank < 2)
        MPI_Request_free(&req);
    MPI_Finalize();
    return 0;
}
