// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of type_mismatch_send_recv_bug.c: rank 1 receives the ints as
// ints (into a larger buffer: a shorter message is fine) and converts them.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
        int counts[4] = {3, 1, 4, 1};
        MPI_Send(counts, 4, MPI_INT, 1, 9, MPI_COMM_WORLD);
    } else if (rank == 1) {
        int counts[8];
        MPI_Recv(counts, 8, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf("mean %g\n", (counts[0] + counts[1] + counts[2] + counts[3]) / 4.0);
    }
    MPI_Finalize();
    return 0;
}
