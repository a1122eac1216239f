// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of thread_flush_other_bug.c: the main thread of rank 0 joins
// the worker that MPI_Put into rank 1's window before it calls
// MPI_Win_flush. The worker's end happens before the join, so its Put
// happens before the flush, which completes it; the barrier then orders the
// completed Put before rank 1's Get. guard=false: guarded pages need
// MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

static MPI_Win win;
static int value = 42;

static void *worker(void *arg)
{
    (void)arg;
    MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
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

    if (rank == 0) {
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_join(t, NULL);
        MPI_Win_flush(1, win);  // the worker's Put happened before: completed here
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        int seen;
        MPI_Get(&seen, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
        MPI_Win_flush(1, win);
        if (seen != 42) {
            fprintf(stderr, "seen = %d\n", seen);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
