// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: 1-D Jacobi relaxation on a non-periodic line. Each rank owns N
// interior cells plus one ghost cell per side in an MPI_Win_create window
// and Puts its boundary cells into the neighbours' ghost cells between
// fences; the end ranks' outer neighbour is MPI_PROC_NULL (a no-op target).
#include <math.h>
#include <mpi.h>
#include <stdio.h>

#define N 16
#define STEPS 20

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    const int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;

    double u[N + 2], unew[N + 2];
    for (int i = 0; i < N + 2; i++)
        u[i] = (rank == 0 && i == 0) ? 1.0 : 0.0;  // fixed boundary value 1 at the far left
    MPI_Win win;
    MPI_Win_create(u, sizeof u, sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    for (int step = 0; step < STEPS; step++) {
        // My first interior cell is my left neighbour's right ghost (index N + 1), and vice versa.
        MPI_Put(&u[1], 1, MPI_DOUBLE, left, N + 1, 1, MPI_DOUBLE, win);
        MPI_Put(&u[N], 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);
        MPI_Win_fence(MPI_MODE_NOSTORE | MPI_MODE_NOPUT, win);  // ghosts arrived; no stores since the last fence
        for (int i = 1; i <= N; i++)
            unew[i] = 0.5 * (u[i - 1] + u[i + 1]);
        MPI_Win_fence(MPI_MODE_NOPRECEDE, win);  // nobody reads my cells between these two fences
        for (int i = 1; i <= N; i++)
            u[i] = unew[i];
        MPI_Win_fence(0, win);
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    double local = 0, total = 0;
    for (int i = 1; i <= N; i++)
        local += u[i];
    MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    if (!(total > 0 && isfinite(total))) {
        fprintf(stderr, "halo1d_fence: bad total %g\n", total);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("halo1d_fence: total %g\n", total);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
