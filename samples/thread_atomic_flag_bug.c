// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: origin-buffer-conflict at=w_buf,put ranks=0
// rmacheck-lint-expect: none
//
// Two threads of rank 0 pass a message through a C11 atomic flag, but with
// memory_order_relaxed on both sides: a producer fills the origin buffer
// (in rank 0's own window memory) and sets the flag; the consumer spins on
// the flag and then MPI_Puts the buffer to rank 1. A relaxed store read by
// a relaxed load orders nothing, so the producer's write and MPI's read of
// the buffer race: the Put may send the old value (and compilers may move
// the write past the store). See thread_atomic_flag_fixed.c (release store,
// acquire load).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static MPI_Win win;
static int *slot;
static atomic_int ready;

static void *producer(void *arg)
{
    (void)arg;
    slot[1] = 42;  // @w_buf
    atomic_store_explicit(&ready, 1, memory_order_relaxed);  // should be memory_order_release
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&ready, memory_order_relaxed))  // should be memory_order_acquire
        ;
    MPI_Put(&slot[1], 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put
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
        pthread_t p, c;
        pthread_create(&c, NULL, consumer, NULL);
        pthread_create(&p, NULL, producer, NULL);
        pthread_join(p, NULL);
        pthread_join(c, NULL);
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
