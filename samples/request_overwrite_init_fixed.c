// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// A two-phase exchange on persistent requests. Phase 1 sends to the
// right neighbour, phase 2 to the neighbour two places away. For phase 2 the
// code frees each phase's requests before it makes the next ones on the
// same handles. Buggy twin: request_overwrite_init_bug.c.
#include <mpi.h>
#include <stdio.h>

#define LEN 8
#define ITERS 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    double out[LEN], in[LEN], sum = 0;
    MPI_Request send, recv;

    // Phase 1: one place to the right.
    MPI_Send_init(out, LEN, MPI_DOUBLE, (rank + 1) % size, 1, MPI_COMM_WORLD, &send);
    MPI_Recv_init(in, LEN, MPI_DOUBLE, (rank + size - 1) % size, 1, MPI_COMM_WORLD, &recv);
    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < LEN; i++)
            out[i] = rank + it;
        MPI_Start(&recv);
        MPI_Start(&send);
        MPI_Wait(&send, MPI_STATUS_IGNORE);
        MPI_Wait(&recv, MPI_STATUS_IGNORE);
        sum += in[0];
    }
    MPI_Request_free(&recv);
    MPI_Request_free(&send);

    // Phase 2: two places to the right.
    MPI_Send_init(out, LEN, MPI_DOUBLE, (rank + 2) % size, 2, MPI_COMM_WORLD, &send);
    MPI_Recv_init(in, LEN, MPI_DOUBLE, (rank + size - 2) % size, 2, MPI_COMM_WORLD, &recv);
    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < LEN; i++)
            out[i] = 10 * rank + it;
        MPI_Start(&recv);
        MPI_Start(&send);
        MPI_Wait(&send, MPI_STATUS_IGNORE);
        MPI_Wait(&recv, MPI_STATUS_IGNORE);
        sum += in[0];
    }
    MPI_Request_free(&recv);
    MPI_Request_free(&send);

    double total;
    MPI_Reduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("request_overwrite_init_fixed: total %g\n", total);
    MPI_Finalize();
    return 0;
}
