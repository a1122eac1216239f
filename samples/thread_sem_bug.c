// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: rma-conflict at=put,acc ranks=0
// rmacheck-lint-expect: none
//
// MPI_THREAD_MULTIPLE with a POSIX semaphore as the message between two
// threads of rank 0: a worker posts the semaphore too early, before its
// MPI_Put + MPI_Win_flush into an int of rank 1's window. The main thread
// waits on the semaphore and then MPI_Accumulates into the same int, but
// the post orders nothing the worker did after it: the Put and the
// Accumulate race (a Put and an Accumulate are not atomic with each
// other). See thread_sem_fixed.c (post after the flush).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static MPI_Win win;
static sem_t done;
static int first = 1, more = 2;

static void *worker(void *arg)
{
    (void)arg;
    sem_post(&done);  // too early: the Put below is not ordered before the main thread's Accumulate
    MPI_Put(&first, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put
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
    int *slot;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    *slot = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        sem_init(&done, 0, 0);
        MPI_Win_lock_all(0, win);
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        sem_wait(&done);
        MPI_Accumulate(&more, 1, MPI_INT, 1, 0, 1, MPI_INT, MPI_SUM, win);  // @acc
        pthread_join(t, NULL);  // the worker's flush is done before the epoch closes
        MPI_Win_unlock_all(win);
        sem_destroy(&done);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1 && (*slot < 1 || *slot > 3)) {
        fprintf(stderr, "slot = %d\n", *slot);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
