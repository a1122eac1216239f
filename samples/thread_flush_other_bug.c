// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-expect: rma-conflict at=put,get ranks=0,1
// rmacheck-lint-expect: none
//
// MPI_THREAD_MULTIPLE: a worker thread of rank 0 MPI_Puts into rank 1's
// window; the main thread, without waiting for the worker, calls
// MPI_Win_flush and then tells rank 1 (a barrier) that the data is there.
// A flush completes the operations its process issued BEFORE it; between
// threads "before" is what thread synchronization orders, and nothing orders
// the worker's Put before the main thread's flush (it may run after it), so
// rank 1's Get may read the bytes before the Put lands. See
// thread_flush_other_fixed.c (pthread_join before the flush). guard=false:
// guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

static MPI_Win win;
static int value = 42;

static void *worker(void *arg)
{
    (void)arg;
    MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put
    return NULL;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    if (provided < MPI_THREAD_MULTIPLE) {
        fprintf(stderr, "MPI_THREAD_MULTIPLE not provided\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *slot;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    *slot = 0;
    MPI_Win_lock_all(0, win);
    MPI_Barrier(MPI_COMM_WORLD);

    pthread_t t;
    if (rank == 0) {
        pthread_create(&t, NULL, worker, NULL);
        MPI_Win_flush(1, win);  // does not wait for the worker's Put
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        int seen;
        MPI_Get(&seen, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @get
        MPI_Win_flush(1, win);
        printf("seen = %d\n", seen);
    }
    if (rank == 0)
        pthread_join(t, NULL);
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
