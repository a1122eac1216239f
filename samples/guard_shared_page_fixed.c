// rmacheck-sample: ranks=2 timeout=60 guard=true
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of guard_shared_page_bug.c: during the epoch rank 1 touches
// only the unrelated data that shares the window's page (thousands of
// filtered faults, then the page budget opens it); the window is read after
// the closing fence.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

struct layout {
    long before[16];
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
    int v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    for (int step = 0; step < 5; step++) {
        MPI_Win_fence(0, win);
        if (rank == 0)
            MPI_Put(v, 8, MPI_INT, 1, 0, 8, MPI_INT, win);
        else
            for (int i = 0; i < 5000; i++)
                l->before[i % 16] += i, l->after[i % 16] -= i;
        MPI_Win_fence(0, win);
    }
    if (rank == 1 && l->window[7] != 8) {
        fprintf(stderr, "guard_shared_page_fixed: window[7] = %d\n", l->window[7]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    printf("guard_shared_page_fixed: rank %d %ld\n", rank, l->before[0] + l->after[0]);
    MPI_Win_free(&win);
    free(l);
    MPI_Finalize();
    return 0;
}
