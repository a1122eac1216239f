// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: rma-conflict at=put,get ranks=0
// rmacheck-lint-expect: none
//
// MPI_THREAD_MULTIPLE with a pthread read-write lock: on rank 0 two reader
// threads MPI_Get an int of rank 1's window under the read lock while a
// writer thread MPI_Puts a new value into it, but the writer takes the lock
// with pthread_rwlock_rdlock by mistake. Read locks do not exclude each
// other, so nothing orders the Put+flush with the Gets: they race. See
// thread_rwlock_fixed.c (the writer takes pthread_rwlock_wrlock).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

static MPI_Win win;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static int value = 7;

static void *writer(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&lock);  // should be pthread_rwlock_wrlock
    MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put
    MPI_Win_flush(1, win);
    pthread_rwlock_unlock(&lock);
    return NULL;
}

static void *reader(void *arg)
{
    int *seen = arg;
    pthread_rwlock_rdlock(&lock);
    MPI_Get(seen, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @get
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
        int seen[2] = {-1, -1};
        MPI_Win_lock_all(0, win);
        pthread_t w, r[2];
        pthread_create(&r[0], NULL, reader, &seen[0]);
        pthread_create(&w, NULL, writer, NULL);
        pthread_create(&r[1], NULL, reader, &seen[1]);
        pthread_join(w, NULL);
        pthread_join(r[0], NULL);
        pthread_join(r[1], NULL);
        MPI_Win_unlock_all(win);
        printf("readers saw %d and %d\n", seen[0], seen[1]);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
