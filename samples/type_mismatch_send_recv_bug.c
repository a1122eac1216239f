// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: type-mismatch at=send,recv ranks=0,1
// rmacheck-lint-expect: none
//
// Rank 0 sends its histogram counts (ints) to rank 1, which receives them
// into a float array "to average them": MPI does not check that the two
// type signatures agree (4 x MPI_INT against 4 x MPI_FLOAT, the same number
// of bytes), so the program runs and rank 1 reads integer bit patterns as
// floats. The receive is a wildcard receive, matched by its status.
// Fixed twin: type_mismatch_send_recv_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
        int counts[4] = {3, 1, 4, 1};
        MPI_Send(counts, 4, MPI_INT, 1, 9, MPI_COMM_WORLD);   // @send
    } else if (rank == 1) {
        float counts[4];
        MPI_Recv(counts, 4, MPI_FLOAT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);   // @recv  BUG
        printf("mean %g\n", (counts[0] + counts[1] + counts[2] + counts[3]) / 4);
    }
    MPI_Finalize();
    return 0;
}
