// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of thread_rwlock_bug.c: the writer thread of rank 0 takes the
// write lock around its MPI_Put + MPI_Win_flush. A writer's unlock happens
// before every later reader's and writer's lock, and a reader's unlock
// before every later writer's lock, so whichever runs first, the Put and
// each Get are ordered (and flushed in between). The two readers are not
// ordered with each other, which is fine: two Gets only read. The second
// reader polls with pthread_rwlock_tryrdlock, the writer waits with
// pthread_rwlock_timedwrlock: the same orderings.
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

static MPI_Win win;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static int value = 7;

static void *writer(void *arg)
{
    (void)arg;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    if (pthread_rwlock_timedwrlock(&lock, &until) != 0) {
        fprintf(stderr, "no write lock in 30 s\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
    MPI_Win_flush(1, win);
    pthread_rwlock_unlock(&lock);
    return NULL;
}

static void *reader(void *arg)
{
    int *seen = arg;
    if (seen[0] == -2) {
        while (pthread_rwlock_tryrdlock(&lock) != 0)
            sched_yield();
    } else {
        pthread_rwlock_rdlock(&lock);
    }
    MPI_Get(seen, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
    MPI_Win_flush(1, win);
    pthread_rwlock_unlock(&lock);
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
        int seen[2] = {-1, -2};  // -2: the reader that polls
        MPI_Win_lock_all(0, win);
        pthread_t w, r[2];
        pthread_create(&r[0], NULL, reader, &seen[0]);
        pthread_create(&w, NULL, writer, NULL);
        pthread_create(&r[1], NULL, reader, &seen[1]);
        pthread_join(w, NULL);
        pthread_join(r[0], NULL);
        pthread_join(r[1], NULL);
        MPI_Win_unlock_all(win);
        if ((seen[0] != 0 && seen[0] != 7) || (seen[1] != 0 && seen[1] != 7)) {
            fprintf(stderr, "readers saw %d and %d\n", seen[0], seen[1]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
