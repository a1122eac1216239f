// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Two threads of rank 0 pass a message through a C11 atomic flag: a
// producer fills the origin buffer (in rank 0's own window memory) and sets
// the flag with a release store; the consumer spins on the flag with
// acquire loads and then MPI_Puts the buffer to rank 1. The release store
// read by the acquire load orders the producer's writes before the Put.
// A second round does the same with fences around relaxed operations
// (atomic_thread_fence release before the store, acquire after the load),
// and a third with seq_cst read-modify-writes (atomic_fetch_add, the C11
// default order). See thread_atomic_flag_bug.c (relaxed flag, no fences).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define ROUNDS 3

static MPI_Win win;
static int *slot;  // rank 0 fills slot[1 + round], then Puts it to slot[round] of rank 1
static atomic_int ready[ROUNDS];

static void *producer(void *arg)
{
    (void)arg;
    slot[1] = 41;
    atomic_store_explicit(&ready[0], 1, memory_order_release);
    slot[2] = 42;
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&ready[1], 1, memory_order_relaxed);
    slot[3] = 43;
    atomic_fetch_add(&ready[2], 1);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&ready[0], memory_order_acquire))
        ;
    MPI_Put(&slot[1], 1, MPI_INT, 1, 0, 1, MPI_INT, win);
    MPI_Win_flush(1, win);
    while (!atomic_load_explicit(&ready[1], memory_order_relaxed))
        ;
    atomic_thread_fence(memory_order_acquire);
    MPI_Put(&slot[2], 1, MPI_INT, 1, 1, 1, MPI_INT, win);
    MPI_Win_flush(1, win);
    while (atomic_fetch_add(&ready[2], 0) == 0)
        ;
    MPI_Put(&slot[3], 1, MPI_INT, 1, 2, 1, MPI_INT, win);
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
    MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int i = 0; i < 4; i++)
        slot[i] = 0;
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
    if (rank == 1 && (slot[0] != 41 || slot[1] != 42 || slot[2] != 43)) {
        fprintf(stderr, "slots = %d %d %d\n", slot[0], slot[1], slot[2]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
