// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: target-local-conflict at=put0,memcpy ranks=0,1
// rmacheck-expect: target-local-conflict at=put1,alias ranks=0,1
// rmacheck-expect: target-local-conflict at=put2,returned ranks=0,1
// rmacheck-expect: target-local-conflict at=put3,deep ranks=0,1
// rmacheck-expect: target-local-conflict at=put4,fnptr ranks=0,1
// rmacheck-expect: target-local-conflict at=put4,fnptr ranks=0,1
//
// The same race (rank 1 stores into its window while rank 0's Put to the
// same slot is in the same fence epoch), reached five ways a checker must
// see through: memcpy, a pointer alias, a pointer a function returned, a
// store three calls deep, and a read-modify-write (a load and a store, two
// findings) in a function called through a pointer.
// Fixed twin: local_paths_fixed.c.
#include <mpi.h>
#include <stdio.h>
#include <string.h>

static int *window_base;

static int *slot_of(int i) { return &window_base[i]; }

static void level3(int *p) { *p = 33; }  // @deep BUG: three calls below main
static void level2(int *p) { level3(p); }
static void level1(int *p) { level2(p); }
static void bump(int *p) { *p += 1; }  // @fnptr BUG: called through a pointer

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
        MPI_Put(&v[0], 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put0
        MPI_Put(&v[1], 1, MPI_INT, 1, 1, 1, MPI_INT, win);  // @put1
        MPI_Put(&v[2], 1, MPI_INT, 1, 2, 1, MPI_INT, win);  // @put2
        MPI_Put(&v[3], 1, MPI_INT, 1, 3, 1, MPI_INT, win);  // @put3
        MPI_Put(&v[4], 1, MPI_INT, 1, 4, 1, MPI_INT, win);  // @put4
    } else {
        memcpy(&window_base[0], &local, sizeof local);  // @memcpy BUG
        int *alias = window_base + 1;
        *alias = 11;           // @alias BUG
        *slot_of(2) = 22;      // @returned BUG
        level1(&window_base[3]);
        update(&window_base[4]);
    }
    MPI_Win_fence(0, win);
    printf("local_paths_bug: rank %d slot0 %d\n", rank, window_base[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
