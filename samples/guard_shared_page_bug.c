// rmacheck-sample: ranks=2 timeout=60 guard=true
// rmacheck-expect: target-local-conflict at=put,read ranks=0,1
// rmacheck-lint-expect: none
//
// A window that shares its page with unrelated data (numpy arrays are rarely
// page aligned): rank 1's counters next to the window are written many
// times while its page is guarded; those faults are filtered, not recorded.
// One read of the window itself during the fence epoch races with rank 0's
// Put and is reported. Fixed twin: guard_shared_page_fixed.c.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

struct layout {
    long before[16];   // unrelated data on the window's page
    int window[8];
    long after[16];
};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    struct layout *l = calloc(1, sizeof *l);
    MPI_Win win;
    MPI_Win_create(l->window, sizeof l->window, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Win_fence(0, win);
    int v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    long seen = 0;
    if (rank == 0) {
        MPI_Put(v, 8, MPI_INT, 1, 0, 8, MPI_INT, win);   // @put
    } else {
        for (int i = 0; i < 20; i++)
            l->before[i % 16] += i, l->after[i % 16] -= i;   // neighbours: not watched
        seen = l->window[3];                                 // @read BUG: the Put may land now
    }
    MPI_Win_fence(0, win);
    printf("guard_shared_page_bug: rank %d %ld %ld\n", rank, seen, l->before[0] + l->after[0]);
    MPI_Win_free(&win);
    free(l);
    MPI_Finalize();
    return 0;
}
