// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// MPI_THREAD_MULTIPLE: a worker thread of rank 0 MPI_Puts into an int of
// rank 1's window, flushes it, and ends with pthread_exit from a helper
// function (it never returns from its start routine). The main thread joins
// it and then MPI_Puts into the same int: the worker's end happens before
// the join's return, as for a thread that returns. See thread_exit_bug.c
// (the main thread's Put before the join).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

static MPI_Win win;
static int first = 1, second = 2;

static void finish(void)
{
    MPI_Win_flush(1, win);
    pthread_exit(NULL);
}

static void *worker(void *arg)
{
    (void)arg;
    MPI_Put(&first, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put_worker
    finish();
    return NULL;  // not reached
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
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        MPI_Win_lock_all(0, win);
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_join(t, NULL);
        MPI_Put(&second, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put_main
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1 && *slot != 2) {
        fprintf(stderr, "slot = %d\n", *slot);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
