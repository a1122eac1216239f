// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): a pipeline on persistent requests that overlaps work with
// communication. Each step starts the receive and the send, computes while
// polling the receive with MPI_Test, then waits for the send. A step count
// read at run time may be zero, so the requests are created before the
// loop and freed after it whatever the count. A flag set by a function
// through a pointer decides an extra nonblocking exchange, posted under
// one test of the flag and completed under a second test of the same,
// unchanged flag.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define LEN 64

static void check_converged(const double *v, int *flag)
{
    *flag = v[0] > 1e9;  // never, here: the extra round runs
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int steps = argc > 1 ? atoi(argv[1]) : 4;
    const int right = (rank + 1) % size, left = (rank + size - 1) % size;

    double out[LEN], in[LEN], acc = 0;
    MPI_Request send, recv;
    MPI_Send_init(out, LEN, MPI_DOUBLE, right, 3, MPI_COMM_WORLD, &send);
    MPI_Recv_init(in, LEN, MPI_DOUBLE, left, 3, MPI_COMM_WORLD, &recv);
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < LEN; i++)
            out[i] = rank + s + i * 0.001;
        MPI_Start(&recv);
        MPI_Start(&send);
        int arrived = 0;
        long spins = 0;
        while (!arrived) {
            spins++;  // work would go here
            MPI_Test(&recv, &arrived, MPI_STATUS_IGNORE);
        }
        acc += in[0];
        MPI_Wait(&send, MPI_STATUS_IGNORE);
        (void)spins;
    }
    MPI_Request_free(&send);
    MPI_Request_free(&recv);

    int converged = 0;
    check_converged(&acc, &converged);
    MPI_Request extra = MPI_REQUEST_NULL;
    if (!converged) {
        // Not converged: one more nonblocking round, completed below under the same test.
        MPI_Irecv(in, 1, MPI_DOUBLE, left, 4, MPI_COMM_WORLD, &extra);
        MPI_Send(out, 1, MPI_DOUBLE, right, 4, MPI_COMM_WORLD);
    }
    if (!converged)
        MPI_Wait(&extra, MPI_STATUS_IGNORE);

    double want = 0;
    for (int s = 0; s < steps; s++)
        want += left + s;
    if (acc != want) {
        fprintf(stderr, "rank %d: acc %g, want %g\n", rank, acc, want);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("lint_persistent_polling: ok\n");
    MPI_Finalize();
    return 0;
}
