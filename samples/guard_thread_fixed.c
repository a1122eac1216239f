// rmacheck-sample: ranks=2 timeout=60 guard=true
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Guarded pages and a second thread that calls no MPI: it computes on its
// own array, which shares a page with the window, the whole time the main
// thread runs fence epochs and protects and opens the window's pages. It
// must compute the right result, undisturbed; nothing it does is reported.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct layout {
    double work[64];   // the worker thread's data
    int window[16];
};

static void *worker(void *arg)
{
    struct layout *l = arg;
    for (int r = 0; r < 20000; r++)
        for (int i = 0; i < 64; i++)
            l->work[i] += 1.0;
    return NULL;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    struct layout *l = calloc(1, sizeof *l);
    MPI_Win win;
    MPI_Win_create(l->window, sizeof l->window, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    pthread_t t;
    pthread_create(&t, NULL, worker, l);
    int v = 5;
    for (int step = 0; step < 50; step++) {
        MPI_Win_fence(0, win);
        if (rank == 0)
            MPI_Put(&v, 1, MPI_INT, 1, step % 16, 1, MPI_INT, win);
        MPI_Win_fence(0, win);
    }
    pthread_join(t, NULL);
    for (int i = 0; i < 64; i++)
        if (l->work[i] != 20000.0) {
            fprintf(stderr, "guard_thread_fixed: work[%d] = %f\n", i, l->work[i]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    printf("guard_thread_fixed: rank %d ok\n", rank);
    MPI_Win_free(&win);
    free(l);
    MPI_Finalize();
    return 0;
}
