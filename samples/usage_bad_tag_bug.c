// rmacheck-sample: ranks=2 timeout=60 complete=false exit=4
// rmacheck-expect: invalid-arg at=init ranks=1
// rmacheck-expect: mpi-error at=init ranks=1
// rmacheck-expect: program-failed at=init
// rmacheck-lint-expect: none
//
// Two ranks exchange a value every step with persistent requests, tagged
// by direction: UP for 0 -> 1, DOWN for 1 -> 0. DOWN was written as -UP.
// A negative tag is erroneous on a send, and -1 is MPI_ANY_TAG in Open MPI,
// which only a receive may name, so rank 1's MPI_Send_init is rejected
// (MPI_ERR_TAG, fatal). Rank 0's receive with tag -1 is a legal wildcard
// receive. Fixed twin: usage_bad_tag_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { UP = 1, DOWN = -UP, STEPS = 3 };   // BUG: DOWN must be a nonnegative tag

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int other = 1 - rank;
    int send_tag = rank == 0 ? UP : DOWN, recv_tag = rank == 0 ? DOWN : UP;

    double out = rank, in = -1.0;
    MPI_Request reqs[2];
    MPI_Send_init(&out, 1, MPI_DOUBLE, other, send_tag, MPI_COMM_WORLD, &reqs[0]);   // @init
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
