// Benchmark program (tests/bench/run_local_access_bench.sh): the cost of
// one instrumented access. A window of 1 MiB is watched; the program sums
// an unwatched array (every load takes the fast path) and then a watched
// one (the window: every load is logged once per interval) between two MPI
// calls. Prints seconds per pass of each; built plain and instrumented.
// usage: local_fastpath [PASSES]
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define N (1 << 17)  // doubles: 1 MiB

static double sum_array(const volatile double *p, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const int passes = argc > 1 ? atoi(argv[1]) : 200;
    double *win_mem, *plain = malloc(N * sizeof(double)), s = 0;
    MPI_Win win;
    MPI_Win_allocate(N * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &win_mem, &win);
    for (int i = 0; i < N; i++)
        plain[i] = i, win_mem[i] = i;
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (int k = 0; k < passes; k++)
        s += sum_array(plain, N);
    double t1 = MPI_Wtime();
    for (int k = 0; k < passes; k++)
        s += sum_array(win_mem, N);
    double t2 = MPI_Wtime();
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
        printf("local_fastpath: unwatched %.6f watched %.6f accesses %d sum %.0f\n", (t1 - t0), (t2 - t1), passes * N, s);
    MPI_Win_free(&win);
    free(plain);
    MPI_Finalize();
    return 0;
}
