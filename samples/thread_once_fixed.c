// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// pthread_once, correct: two threads of rank 0 each call pthread_once with
// an initializer that stores into rank 0's own window memory, then MPI_Put
// that memory to rank 1 and flush. Whichever thread runs the initializer,
// pthread_once returns in both only after it ended: the store happens before
// both Puts. See thread_once_bug.c (one thread does not call pthread_once).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

static MPI_Win win;
static int *slot;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
    slot[0] = 42;
}

static void *worker(void *arg)
{
    const int me = *(const int *)arg;
    pthread_once(&once, init);
    MPI_Put(&slot[0], 1, MPI_INT, 1, me, 1, MPI_INT, win);
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
        printf("thread_once_fixed: %d %d\n", slot[0], slot[1]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
