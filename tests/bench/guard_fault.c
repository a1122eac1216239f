// Guarded pages benchmark, C side (run_guard_bench.sh): a stencil on a window
// whose sweeps happen between epochs (each interval's first faults per page,
// then the budget opens the page), and a loop of single faults (every store
// alone in its interval: the cost of one recorded fault).
//   guard_fault stencil CELLS STEPS | guard_fault faults N
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int stencil = argc > 1 && strcmp(argv[1], "stencil") == 0;
    const long n = argc > 2 ? atol(argv[2]) : 100000, steps = argc > 3 ? atol(argv[3]) : 100;
    double *u;
    MPI_Win win;
    const long cells = stencil ? n + 2 : 1024;
    MPI_Win_allocate(cells * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &u, &win);
    double *tmp = malloc(cells * sizeof(double));
    for (long i = 0; i < cells; i++) u[i] = rank;
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = now();
    if (stencil) {
        for (long s = 0; s < steps; s++) {
            MPI_Win_fence(0, win);
            if (rank > 0) MPI_Put(&u[1], 1, MPI_DOUBLE, rank - 1, n + 1, 1, MPI_DOUBLE, win);
            if (rank < size - 1) MPI_Put(&u[n], 1, MPI_DOUBLE, rank + 1, 0, 1, MPI_DOUBLE, win);
            MPI_Win_fence(0, win);
            for (long i = 1; i <= n; i++) tmp[i] = 0.5 * (u[i - 1] + u[i + 1]);
            for (long i = 1; i <= n; i++) u[i] = tmp[i];
        }
    } else {
        // One store per interval: MPI_Win_sync is a cheap local call that ends the interval.
        for (long k = 0; k < n; k++) {
            u[k % 1024] += 1.0;
            MPI_Win_lock(MPI_LOCK_SHARED, rank, 0, win), MPI_Win_unlock(rank, win);
        }
    }
    const double t = now() - t0;
    double sum = 0;
    for (long i = 0; i < cells; i++) sum += u[i];
    if (rank == 0) printf("%s %.6f s (checksum %.1f)\n", stencil ? "stencil" : "faults", t, sum);
    MPI_Win_free(&win);
    free(tmp);
    MPI_Finalize();
    return 0;
}
