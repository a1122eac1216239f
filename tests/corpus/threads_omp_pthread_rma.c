// rmacheck-sample: ranks=2 timeout=90 guard=false
// rmacheck-expect: none
//
// Corpus: a hybrid MPI_THREAD_MULTIPLE code whose threads issue RMA, every
// part correctly ordered by thread synchronization (rma-semantics.md
// section 7); the checker must not confuse "another thread" with "unordered":
// 1. an OpenMP team on each rank Puts into disjoint slots of the next rank
//    and flushes (parallel for), the master then unlocks after the join;
// 2. pthreads accumulate (MPI_SUM, one type) into one counter concurrently:
//    element-wise atomic whichever thread issues them;
// 3. a producer thread Puts and flushes, then signals a condition variable;
//    the main thread waits for it and sends a message; the peer then Gets;
// 4. pthreads Put into their own slot and flush, meet at a pthread barrier,
//    and then each Gets a slot another thread wrote;
// 5. an OpenMP team Puts into one slot in turn under a named critical
//    section, an explicit barrier, then the master reads back with a Get.
// Each part checks its result and aborts when it is wrong.
#include <mpi.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>

#define TEAM 4
#define SLOTS 64

static MPI_Win win;
static int rank, size, next, prev;
static int *mem;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "rank %d: %s wrong\n", rank, what);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

// ---- 2. concurrent accumulates ----
static void *accumulate_one(void *arg)
{
    (void)arg;
    static const int one = 1;
    MPI_Accumulate(&one, 1, MPI_INT, next, 32, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_flush(next, win);
    return NULL;
}

// ---- 3. producer / consumer ----
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int produced;
static int payload = 1234;

static void *producer(void *arg)
{
    (void)arg;
    MPI_Put(&payload, 1, MPI_INT, next, 40, 1, MPI_INT, win);
    MPI_Win_flush(next, win);
    pthread_mutex_lock(&mu);
    produced = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    return NULL;
}

// ---- 4. barrier between threads ----
static pthread_barrier_t meet;
static int mine[TEAM], theirs[TEAM];

static void *put_meet_get(void *arg)
{
    int t = (int)(long)arg;
    mine[t] = 100 * rank + t;
    MPI_Put(&mine[t], 1, MPI_INT, next, 48 + t, 1, MPI_INT, win);
    MPI_Win_flush(next, win);
    pthread_barrier_wait(&meet);
    MPI_Get(&theirs[t], 1, MPI_INT, next, 48 + (t + 1) % TEAM, 1, MPI_INT, win);
    MPI_Win_flush(next, win);
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
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    next = (rank + 1) % size;
    prev = (rank + size - 1) % size;
    MPI_Win_allocate(SLOTS * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &mem, &win);
    for (int i = 0; i < SLOTS; i++)
        mem[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, win);

    // 1. disjoint slots from an OpenMP team.
    static int src[TEAM];
#pragma omp parallel for num_threads(TEAM)
    for (int t = 0; t < TEAM; t++) {
        src[t] = 10 * rank + t;
        MPI_Put(&src[t], 1, MPI_INT, next, t, 1, MPI_INT, win);
        MPI_Win_flush(next, win);
    }
    MPI_Win_flush_all(win);

    // 2. concurrent same-op accumulates.
    pthread_t th[TEAM];
    for (long t = 0; t < TEAM; t++)
        pthread_create(&th[t], NULL, accumulate_one, (void *)t);
    for (int t = 0; t < TEAM; t++)
        pthread_join(th[t], NULL);

    // 3. producer / consumer, then a message to the peer.
    pthread_t prod;
    pthread_create(&prod, NULL, producer, NULL);
    pthread_mutex_lock(&mu);
    while (!produced)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    int token = 1, got = 0;
    MPI_Sendrecv(&token, 1, MPI_INT, next, 0, &got, 1, MPI_INT, prev, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int seen = 0;
    MPI_Get(&seen, 1, MPI_INT, rank, 40, 1, MPI_INT, win);
    MPI_Win_flush(rank, win);
    check(seen == 1234, "producer/consumer");
    pthread_join(prod, NULL);

    // 4. put, meet at a barrier, get.
    pthread_barrier_init(&meet, NULL, TEAM);
    for (long t = 0; t < TEAM; t++)
        pthread_create(&th[t], NULL, put_meet_get, (void *)t);
    for (int t = 0; t < TEAM; t++)
        pthread_join(th[t], NULL);
    pthread_barrier_destroy(&meet);
    for (int t = 0; t < TEAM; t++)
        check(theirs[t] == 100 * rank + (t + 1) % TEAM, "barrier exchange");

    // 5. one slot in turn under a critical section, then a team barrier and a read back.
    static int turn_value[TEAM];
    int back = -1;
#pragma omp parallel num_threads(TEAM)
    {
        int t = omp_get_thread_num();
        turn_value[t] = 1000 + t;
#pragma omp critical(slot60)
        {
            MPI_Put(&turn_value[t], 1, MPI_INT, next, 60, 1, MPI_INT, win);
            MPI_Win_flush(next, win);
        }
#pragma omp barrier
#pragma omp master
        {
            MPI_Get(&back, 1, MPI_INT, next, 60, 1, MPI_INT, win);
            MPI_Win_flush(next, win);
        }
    }
    check(back >= 1000 && back < 1000 + TEAM, "critical section");

    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);
    for (int t = 0; t < TEAM; t++)
        check(mem[t] == 10 * prev + t, "openmp puts");
    check(mem[32] == TEAM, "accumulates");
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
