// Cost of atomics as thread synchronization in instrumented builds
// (interpose/local_access/atomic_sync.h, interpose/thread_sync.cpp):
//   rmacheck mpicc -O2 atomic_sync_overhead.c -o a.instr; mpicc -O2 ... -o a.plain
//   mpirun -n 1 a.plain|a.instr ITERS [threads]          (nothing logged)
//   rmacheck run -n 1 -- a.instr ITERS [threads]          (logged once a second thread exists)
// `threads`: a second thread exists first (created and joined), so the sync sink is set and
// releases/acquires are logged. Then, on one thread: relaxed fetch_add, seq_cst fetch_add (a release
// and an acquire each; repeated ones are not logged again), a release store + acquire load pair; and
// two threads doing seq_cst fetch_adds on one counter at once (every turn may log). Prints ns per op.
#include <mpi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_long counter, flag;
static long iters;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *idle(void *arg) { return arg; }

static void *contend(void *arg)
{
    for (long i = 0; i < iters; i++)
        atomic_fetch_add(&counter, 1);
    return arg;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    iters = argc > 1 ? atol(argv[1]) : 10000000;
    if (argc > 2 && strcmp(argv[2], "threads") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, idle, NULL);
        pthread_join(t, NULL);
    }
    double a = now();
    for (long i = 0; i < iters; i++)
        atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    double b = now();
    for (long i = 0; i < iters; i++)
        atomic_fetch_add(&counter, 1);
    double c = now();
    for (long i = 0; i < iters; i++) {
        atomic_store_explicit(&flag, i, memory_order_release);
        (void)atomic_load_explicit(&flag, memory_order_acquire);
    }
    double d = now();
    pthread_t t1, t2;
    pthread_create(&t1, NULL, contend, NULL);
    pthread_create(&t2, NULL, contend, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    double e = now();
    printf("relaxed fetch_add %.1f ns, seq_cst fetch_add %.1f ns, release store + acquire load %.1f ns, "
           "2 threads contended seq_cst fetch_add %.1f ns per op\n",
           (b - a) / iters, (c - b) / iters, (d - c) / iters, (e - d) / (2.0 * iters));
    MPI_Finalize();
    return 0;
}
