// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: origin-buffer-conflict at=w_init,put ranks=0
// rmacheck-lint-expect: none
//
// The bug twin of thread_once_fixed.c: thread 0 initializes rank 0's window
// memory through pthread_once and MPI_Puts it; thread 1 takes the memory for
// initialized and MPI_Puts it without calling pthread_once, so nothing orders
// the initializer's store before thread 1's Put: it may send 0 or 42.
// Thread 1 waits on a plain flag (which orders nothing) until the store is
// done before it flushes, so the race shows in every run.
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

static MPI_Win win;
static int *slot;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int stored;  // a plain flag: it orders nothing

static void init(void)
{
    slot[0] = 42;  // @w_init
}

static void *worker(void *arg)
{
    const int me = *(const int *)arg;
    if (me == 0) {
        pthread_once(&once, init);
        stored = 1;
    }
    MPI_Put(&slot[0], 1, MPI_INT, 1, me, 1, MPI_INT, win);  // @put
    while (!stored)  // thread 1: BUG, it should call pthread_once too
        ;
    MPI_Win_flush(1, win);
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
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    slot[0] = slot[1] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
        pthread_t t[2];
        int ids[2] = {0, 1};
        for (int i = 0; i < 2; i++)
            pthread_create(&t[i], NULL, worker, &ids[i]);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("thread_once_bug: %d %d\n", slot[0], slot[1]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
