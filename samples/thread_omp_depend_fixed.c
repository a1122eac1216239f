// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// OpenMP tasks with dependences, correct: rank 0's single thread makes, for
// each of 8 slots of its own window memory, a task that stores the slot
// (depend out), a task that MPI_Puts it to rank 1 and flushes (depend in),
// and a task that reuses it once the Put completed (depend inout). The
// team's two threads run the tasks in any order the dependences allow, on
// either thread: each store happens before the Put that reads it, and each
// Put's flush before the store that reuses its buffer. Then two tasks add to
// one slot under depend(mutexinoutset) and a depend(in) task Puts the sum;
// a taskgroup's tasks store 4 slots that the single thread Puts after the
// taskgroup ends; a taskwait orders everything before the final reads.
// See thread_omp_depend_bug.c (a dependence that names the wrong slot).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#define SLOTS 8

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
    MPI_Win_allocate(16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int i = 0; i < 16; i++)
        slot[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    long sum = 0;
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
#pragma omp single
        {
            for (int k = 0; k < SLOTS; k++) {
#pragma omp task depend(out: slot[k]) firstprivate(k)
                slot[k] = compute(k);
#pragma omp task depend(in: slot[k]) firstprivate(k)
                {
                    MPI_Put(&slot[k], 1, MPI_INT, 1, k, 1, MPI_INT, win);
                    MPI_Win_flush(1, win);
                }
#pragma omp task depend(inout: slot[k]) firstprivate(k)
                slot[k] = -1;
            }
            for (int j = 0; j < 2; j++) {
#pragma omp task depend(mutexinoutset: slot[8])
                slot[8] += 5;
            }
#pragma omp task depend(in: slot[8])
            {
                MPI_Put(&slot[8], 1, MPI_INT, 1, 8, 1, MPI_INT, win);
                MPI_Win_flush(1, win);
            }
#pragma omp taskgroup
            {
                for (int k = 12; k < 16; k++) {
#pragma omp task firstprivate(k)
                    slot[k] = k;
                }
            }
            MPI_Put(&slot[12], 4, MPI_INT, 1, 12, 4, MPI_INT, win);
            MPI_Win_flush(1, win);
#pragma omp taskwait
            for (int k = 0; k < 16; k++)
                sum += slot[k];
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        for (int k = 0; k < 16; k++)
            sum += slot[k];
    }
    printf("thread_omp_depend_fixed: rank %d sum %ld\n", rank, sum);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
