// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of usage_bad_tag_bug.c: both directions have nonnegative tags.
#include <mpi.h>
#include <stdio.h>

enum { UP = 1, DOWN = 2, STEPS = 3 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int other = 1 - rank;
    int send_tag = rank == 0 ? UP : DOWN, recv_tag = rank == 0 ? DOWN : UP;

    double out = rank, in = -1.0;
    MPI_Request reqs[2];
    MPI_Send_init(&out, 1, MPI_DOUBLE, other, send_tag, MPI_COMM_WORLD, &reqs[0]);
    MPI_Recv_init(&in, 1, MPI_DOUBLE, other, recv_tag, MPI_COMM_WORLD, &reqs[1]);
    for (int s = 0; s < STEPS; ++s) {
        MPI_Startall(2, reqs);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    }
    printf("rank %d: in %g\n", rank, in);
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);
    MPI_Finalize();
    return 0;
}
