// Cost of a pthread_mutex_lock + unlock pair in an MPI program, for the
// thread-synchronization interposition (interpose/thread_sync.cpp):
//   mpirun -n 1 [-x LD_PRELOAD=.../librmacheck.so] thread_sync_overhead ITERS [threads]
// Without `threads` the program stays single-threaded (nothing may be
// logged: one branch per call); with it, a second thread exists first, so
// every pair is logged (two records). Prints ns per pair.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *idle(void *arg) { return arg; }

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    long iters = argc > 1 ? atol(argv[1]) : 10000000;
    if (argc > 2 && strcmp(argv[2], "threads") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, idle, NULL);
        pthread_join(t, NULL);
    }
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < iters; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)iters;
    printf("%.1f ns per lock+unlock\n", ns);
    MPI_Finalize();
    return 0;
}
