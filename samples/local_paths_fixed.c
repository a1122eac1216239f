// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: none
//
// Fixed twin of local_paths_bug.c: the same five ways of storing into the
// window, after the fence that closes rank 0's Put epoch.
#include <mpi.h>
#include <stdio.h>
#include <string.h>

static int *window_base;

static int *slot_of(int i) { return &window_base[i]; }

static void level3(int *p) { *p = 33; }
static void level2(int *p) { level3(p); }
static void level1(int *p) { level2(p); }
static void bump(int *p) { *p += 1; }

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Win win;
    MPI_Win_allocate(8 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &window_base, &win);
    memset(window_base, 0, 8 * sizeof(int));
    int v[5] = {1, 2, 3, 4, 5}, local = 9;
    void (*update)(int *) = bump;
    MPI_Win_fence(0, win);
    if (rank == 0) {
        MPI_Put(&v[0], 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Put(&v[1], 1, MPI_INT, 1, 1, 1, MPI_INT, win);
        MPI_Put(&v[2], 1, MPI_INT, 1, 2, 1, MPI_INT, win);
        MPI_Put(&v[3], 1, MPI_INT, 1, 3, 1, MPI_INT, win);
        MPI_Put(&v[4], 1, MPI_INT, 1, 4, 1, MPI_INT, win);
    }
    MPI_Win_fence(0, win);
    if (rank == 1) {
        memcpy(&window_base[0], &local, sizeof local);
        int *alias = window_base + 1;
        *alias = 11;
        *slot_of(2) = 22;
        level1(&window_base[3]);
        update(&window_base[4]);
    }
    printf("local_paths_fixed: rank %d slot0 %d\n", rank, window_base[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
