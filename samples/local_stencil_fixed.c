// rmacheck-sample: ranks=2 timeout=120 build=instrumented opt=2 args="2000 20"
// rmacheck-lint-expect: none
// rmacheck-expect: none
//
// A compute-heavy correct stencil (1D heat equation, N points per rank,
// ITERS steps): each step opens a fence epoch in which every rank Puts its
// boundary values into its neighbours' halo cells, closes it, and then
// updates its interior from the window memory with plain loads and stores
// (a few transcendental functions per point). Local stores and remote Puts
// touch window memory in different epochs, or different bytes: no finding.
// Built at -O2 (opt=2), as in the benchmark of
// tests/bench/run_local_access_bench.sh: its loops are checked as ranges.
// usage: local_stencil_fixed [N [ITERS]]
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int n = argc > 1 ? atoi(argv[1]) : 2000, iters = argc > 2 ? atoi(argv[2]) : 20;
    double *u, *next = malloc((size_t)(n + 2) * sizeof(double));
    MPI_Win win;
    MPI_Win_allocate((MPI_Aint)(n + 2) * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &u, &win);
    for (int i = 0; i < n + 2; i++)
        u[i] = sin(0.001 * (i + rank * n));
    const int left = (rank + size - 1) % size, right = (rank + 1) % size;
    double t0 = MPI_Wtime();
    for (int it = 0; it < iters; it++) {
        MPI_Win_fence(0, win);
        MPI_Put(&u[1], 1, MPI_DOUBLE, left, n + 1, 1, MPI_DOUBLE, win);
        MPI_Put(&u[n], 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);
        MPI_Win_fence(0, win);
        for (int i = 1; i <= n; i++) {
            const double lap = u[i - 1] - 2 * u[i] + u[i + 1];
            next[i] = u[i] + 0.1 * lap + 1e-6 * sin(u[i]) * exp(-fabs(u[i])) + 1e-7 * sqrt(1 + u[i] * u[i]);
        }
        for (int i = 1; i <= n; i++)
            u[i] = next[i];
    }
    MPI_Win_fence(0, win);
    double local = 0, total = 0;
    for (int i = 1; i <= n; i++)
        local += u[i];
    MPI_Reduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("local_stencil_fixed: sum %.6f, %.3f s\n", total, MPI_Wtime() - t0);
    MPI_Win_free(&win);
    free(next);
    MPI_Finalize();
    return 0;
}
