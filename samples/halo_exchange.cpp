// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// 1-D heat equation, explicit stencil u'[i] = u[i] + alpha*(u[i-1] - 2u[i] + u[i+1]),
// on size*NLOCAL cells with fixed zero boundaries, one block of cells per rank.
// The window is the local array with one ghost cell at each end:
//   u[0] = left neighbour's last cell, u[1..NLOCAL] = own cells, u[NLOCAL+1] = right's first.
// Each step: fence, Put the own boundary cells into the neighbours' ghost
// cells, fence, then compute and store the new cells. The stores happen
// between a NOSUCCEED fence and the next NOPRECEDE fence, where no RMA is
// in flight, so they race with nothing. Rank 0 checks against a serial run.
#include <mpi.h>
#include <cmath>
#include <cstdio>
#include <vector>

constexpr int NLOCAL = 8;
constexpr int STEPS = 50;
constexpr double ALPHA = 0.25;

static double initial(int g, int n) { return std::sin(std::acos(-1.0) * (g + 1) / (n + 1)) + (g % 3) * 0.1; }

static void step(const std::vector<double> &u, std::vector<double> &next, int first, int last)
{
    for (int i = first; i <= last; i++)
        next[i] = u[i] + ALPHA * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int global = size * NLOCAL;
    const int left = rank - 1, right = rank + 1 < size ? rank + 1 : -1;   // -1: physical boundary

    std::vector<double> u(NLOCAL + 2, 0.0), next(NLOCAL + 2, 0.0);
    for (int i = 1; i <= NLOCAL; i++)
        u[i] = initial(rank * NLOCAL + i - 1, global);
    MPI_Win win;
    MPI_Win_create(u.data(), u.size() * sizeof(double), sizeof(double), MPI_INFO_NULL,
                   MPI_COMM_WORLD, &win);

    for (int s = 0; s < STEPS; s++) {
        // All ranks give the same NOPRECEDE/NOSUCCEED assertions, as MPI requires.
        MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
        if (left >= 0)
            MPI_Put(&u[1], 1, MPI_DOUBLE, left, NLOCAL + 1, 1, MPI_DOUBLE, win);
        if (right >= 0)
            MPI_Put(&u[NLOCAL], 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);
        MPI_Win_fence(MPI_MODE_NOSUCCEED, win);   // ghosts are filled, no RMA until the next fence
        step(u, next, 1, NLOCAL);
        for (int i = 1; i <= NLOCAL; i++)
            u[i] = next[i];
    }
    MPI_Win_free(&win);

    std::vector<double> result(rank == 0 ? global : 0);
    MPI_Gather(&u[1], NLOCAL, MPI_DOUBLE, result.data(), NLOCAL, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        std::vector<double> ref(global + 2, 0.0), tmp(global + 2, 0.0);
        for (int g = 0; g < global; g++)
            ref[g + 1] = initial(g, global);
        for (int s = 0; s < STEPS; s++) {
            step(ref, tmp, 1, global);
            for (int g = 1; g <= global; g++)
                ref[g] = tmp[g];
        }
        for (int g = 0; g < global; g++)
            if (std::fabs(result[g] - ref[g + 1]) > 1e-12) {
                std::fprintf(stderr, "halo_exchange: cell %d is %.17g, serial run gives %.17g\n", g,
                             result[g], ref[g + 1]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        std::printf("halo_exchange: OK (%d cells, %d steps)\n", global, STEPS);
    }
    MPI_Finalize();
    return 0;
}
