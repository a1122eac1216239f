// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// OpenMP taskloops, correct: rank 0's single thread MPI_Puts 16 slots of its
// own window memory to rank 1 and flushes, then refills them with taskloops,
// whose tasks the team's two threads run: slots 0-7 by a taskloop (its
// implicit taskgroup ends when its tasks did) that the single thread then
// Puts; slots 8-11 by a `nogroup` taskloop followed by a taskwait, then a
// Put; slots 12-15 by a `nogroup` taskloop over an unsigned long long
// counter (GOMP_taskloop_ull), Put after the parallel region's join. Each
// task's stores happen after the first Put completed (creation -> start) and
// before the Put that reads them (its end -> taskgroup, taskwait, join).
// See thread_omp_taskloop_bug.c (a `nogroup` taskloop without the taskwait).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#define SLOTS 16

// Stands for the work that makes a value (a millisecond): the other thread takes tasks meanwhile.
static int compute(int k)
{
    usleep(1000);
    return 100 + k;
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
    MPI_Win win;
    MPI_Win_allocate(SLOTS * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int i = 0; i < SLOTS; i++)
        slot[i] = i;
    MPI_Barrier(MPI_COMM_WORLD);
    long sum = 0;
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
#pragma omp single
        {
            MPI_Put(slot, SLOTS, MPI_INT, 1, 0, SLOTS, MPI_INT, win);
            MPI_Win_flush(1, win);
#pragma omp taskloop num_tasks(4)
            for (int k = 0; k < 8; k++)
                slot[k] = compute(k);
            MPI_Put(&slot[0], 8, MPI_INT, 1, 0, 8, MPI_INT, win);
            MPI_Win_flush(1, win);
#pragma omp taskloop nogroup grainsize(1)
            for (int k = 8; k < 12; k++)
                slot[k] = compute(k);
#pragma omp taskwait
            MPI_Put(&slot[8], 4, MPI_INT, 1, 8, 4, MPI_INT, win);
            MPI_Win_flush(1, win);
#pragma omp taskloop nogroup grainsize(1)
            for (unsigned long long k = 12; k < 16; k++)
                slot[k] = compute((int)k);
        }
        MPI_Put(&slot[12], 4, MPI_INT, 1, 12, 4, MPI_INT, win);
        MPI_Win_unlock_all(win);
        for (int k = 0; k < SLOTS; k++)
            sum += slot[k];
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        for (int k = 0; k < SLOTS; k++)
            sum += slot[k];
    }
    printf("thread_omp_taskloop_fixed: rank %d sum %ld\n", rank, sum);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
