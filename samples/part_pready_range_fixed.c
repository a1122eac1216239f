// rmacheck-sample: ranks=2 timeout=60
// rmacheck-sample[openmpi]: skip=MPI-4 partitioned communication (MPI_Psend_init, MPI_Pready_range): Open MPI 4.1 has no such calls, so the program builds against MPICH only
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of part_pready_range_bug.c: MPI_Pready_range(0, PARTS - 1)
// names every partition (both bounds inclusive), then a second epoch marks
// them with MPI_Pready_list.
#include <mpi.h>
#include <stdio.h>

#define PARTS 4
#define COUNT 8

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int buf[PARTS * COUNT];
    MPI_Request req;
    if (rank == 0) {
        for (int i = 0; i < PARTS * COUNT; i++)
            buf[i] = i;
        MPI_Psend_init(buf, PARTS, COUNT, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
        MPI_Start(&req);
        MPI_Pready_range(0, PARTS - 1, req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        int list[PARTS] = {3, 1, 2, 0};
        MPI_Start(&req);
        MPI_Pready_list(PARTS, list, req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
        MPI_Precv_init(buf, PARTS, COUNT, MPI_INT, 0, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
        for (int e = 0; e < 2; e++) {
            MPI_Start(&req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        printf("part_pready_range_fixed: last element %d\n", buf[PARTS * COUNT - 1]);
    }
    if (rank < 2)
        MPI_Request_free(&req);
    MPI_Finalize();
    return 0;
}
