// rmacheck-sample: ranks=2 timeout=60
// rmacheck-sample[openmpi]: skip=MPI-4 partitioned communication (MPI_Psend_init, MPI_Pready): Open MPI 4.1 has no such calls, so the program builds against MPICH only
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of part_pready_twice_bug.c: every partition is marked ready
// exactly once per epoch (here over two epochs of the same partitioned
// request: MPI_Start, MPI_Pready of each partition, MPI_Wait), and the
// receiver polls the partitions with MPI_Parrived.
#include <mpi.h>
#include <stdio.h>

#define PARTS 4
#define COUNT 8
#define EPOCHS 2

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int buf[PARTS * COUNT];
    MPI_Request req;
    if (rank == 0) {
        MPI_Psend_init(buf, PARTS, COUNT, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
        for (int e = 0; e < EPOCHS; e++) {
            MPI_Start(&req);
            for (int p = 0; p < PARTS; p++) {
                for (int i = 0; i < COUNT; i++)
                    buf[p * COUNT + i] = e * 1000 + p * 100 + i;
                MPI_Pready(p, req);
            }
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
    } else if (rank == 1) {
        MPI_Precv_init(buf, PARTS, COUNT, MPI_INT, 0, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &req);
        for (int e = 0; e < EPOCHS; e++) {
            MPI_Start(&req);
            int arrived = 0;
            while (!arrived)
                MPI_Parrived(req, 0, &arrived);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        printf("part_pready_twice_fixed: last element %d\n", buf[PARTS * COUNT - 1]);
    }
    if (rank < 2)
        MPI_Request_free(&req);
    MPI_Finalize();
    return 0;
}
