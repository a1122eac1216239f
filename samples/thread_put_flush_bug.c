// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-expect: rma-conflict at=put ranks=0
// rmacheck-lint-expect: none
//
// MPI_THREAD_MULTIPLE: four threads of rank 0 each MPI_Put their id into the
// same int of rank 1's window and MPI_Win_flush it, inside one lock_all
// epoch the main thread opened. Each thread's flush completes its own Put,
// but nothing orders one thread's Put+flush with another's: the Puts race
// (which id rank 1 ends up with is undefined). A Win_flush on one thread
// does not order another thread's concurrent Put. See thread_put_flush_fixed.c
// (a mutex around Put+flush) and rma-semantics.md section 7. guard=false:
// guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

#define THREADS 4

static MPI_Win win;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    MPI_Put(&id, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put
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
    *slot = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    if (rank == 0) {
        MPI_Win_lock_all(0, win);
        pthread_t t[THREADS];
        for (long i = 0; i < THREADS; i++)
            pthread_create(&t[i], NULL, worker, (void *)i);
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("slot = %d\n", *slot);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
