// Benchmark program (tests/bench/run_local_access_bench.sh): a distributed
// transpose. Each rank owns an N x N block of doubles in a window; every
// step, under fences, it MPI_Gets its partner's block, then transposes it
// into its own window memory with plain loads and stores (strided writes),
// and does a little arithmetic per element. Correct: no finding.
// usage: local_transpose [N [STEPS]]; prints the compute time.
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
    const int n = argc > 1 ? atoi(argv[1]) : 512, steps = argc > 2 ? atoi(argv[2]) : 10;
    double *a, *got = malloc((size_t)n * n * sizeof(double));
    MPI_Win win;
    MPI_Win_allocate((MPI_Aint)n * n * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &a, &win);
    for (int i = 0; i < n * n; i++)
        a[i] = rank + 0.001 * i;
    const int partner = (rank + 1) % size;
    double t0 = MPI_Wtime();
    for (int s = 0; s < steps; s++) {
        MPI_Win_fence(0, win);
        MPI_Get(got, n * n, MPI_DOUBLE, partner, 0, n * n, MPI_DOUBLE, win);
        MPI_Win_fence(0, win);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                a[j * n + i] = 0.5 * got[i * n + j] + 0.25 * cos(got[i * n + j]);
    }
    MPI_Win_fence(0, win);
    double t = MPI_Wtime() - t0, sum = 0;
    for (int i = 0; i < n * n; i++)
        sum += a[i];
    if (rank == 0)
        printf("local_transpose: sum %.3f time %.6f\n", sum, t);
    MPI_Win_free(&win);
    free(got);
    MPI_Finalize();
    return 0;
}
