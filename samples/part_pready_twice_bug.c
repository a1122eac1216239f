// rmacheck-sample: ranks=2 timeout=60
// rmacheck-sample[openmpi]: skip=MPI-4 partitioned communication (MPI_Psend_init, MPI_Pready): Open MPI 4.1 has no such calls, so the program builds against MPICH only
// rmacheck-expect: request-misuse at=pready_again,pready_first ranks=0
// rmacheck-expect: mpi-error at=recv_wait ranks=1
// rmacheck-expect: program-failed at=recv_wait
// rmacheck-lint-expect: none
//
// BUG: a partition of a partitioned send marked ready twice in one epoch.
// Rank 0 fills its buffer partition by partition and marks each ready with
// MPI_Pready; a "flush" at the end marks the last partition ready once more.
// Each partition may be marked ready once between MPI_Start and the
// completing MPI_Wait (MPI-4.0 section 4.2.2): the second MPI_Pready is
// erroneous. MPICH 4.0 takes the second MPI_Pready without an error, and the
// receiver then fails an assertion inside its MPI_Wait (mpidig_part_callbacks.c:
// "part_rreq"), which aborts it. The fixed twin is part_pready_twice_fixed.c.
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
        MPI_Psend_init(buf, PARTS, COUNT, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
        MPI_Start(&req);
        for (int p = 0; p < PARTS; p++) {
            for (int i = 0; i < COUNT; i++)
                buf[p * COUNT + i] = p * 100 + i;
            MPI_Pready(p, req);  // @pready_first
        }
        int rc = MPI_Pready(PARTS - 1, req);  // @pready_again
        if (rc != MPI_SUCCESS)
            fprintf(stderr, "part_pready_twice_bug: MPI_Pready failed (%d)\n", rc);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
        MPI_Precv_init(buf, PARTS, COUNT, MPI_INT, 0, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
        MPI_Start(&req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);  // @recv_wait
        printf("part_pready_twice_bug: last element %d\n", buf[PARTS * COUNT - 1]);
    }
    if (rank < 2)
        MPI_Request_free(&req);
    MPI_Finalize();
    return 0;
}
