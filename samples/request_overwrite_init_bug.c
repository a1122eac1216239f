// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: request-leak at=first_init ranks=0,1,2,3
// rmacheck-lint-expect: request-leak at=first_init,second_init
//
// BUG: a two-phase exchange on persistent requests. Phase 1 sends to the
// right neighbour, phase 2 to the neighbour two places away. For phase 2 the
// code sets up the send again with MPI_Send_init on the same handle but
// never frees the phase-1 request first: the handle is overwritten while the
// first request is still allocated, so that request can never be freed (it
// is still allocated at MPI_Finalize). The receive side does it right: it
// frees its request before making the next one.
// lint sees the overwrite at the second init; the run sees the first
// request still allocated at MPI_Finalize.
// The fixed twin is request_overwrite_init_fixed.c.
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
    MPI_Send_init(out, LEN, MPI_DOUBLE, (rank + 1) % size, 1, MPI_COMM_WORLD, &send);  // @first_init
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

    // Phase 2: two places to the right.
    MPI_Send_init(out, LEN, MPI_DOUBLE, (rank + 2) % size, 2, MPI_COMM_WORLD, &send);  // @second_init BUG: phase 1's send is not freed
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
        printf("request_overwrite_init_bug: total %g\n", total);
    MPI_Finalize();
    return 0;
}
