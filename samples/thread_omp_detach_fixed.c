// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// OpenMP detached tasks, correct: a detached task completes when its event
// is fulfilled, not when its body ends. Rank 0's single thread makes a
// detached task with depend(out: slot[0]) and an empty body; another task
// stores slot[0] of rank 0's own window memory and then fulfills the event;
// a third task, depend(in: slot[0]), MPI_Puts slot[0] to rank 1 and
// flushes: it starts after the fulfillment, so after the store. Then a
// detached task whose event is fulfilled by a grandchild of the single
// thread (a task that its sibling created), after storing slot[1]: the
// taskwait waits for the detached child, so for the fulfillment, and the Put
// of slot[1] after it is ordered after the store (the grandchild's own end
// is no taskwait's).
// See thread_omp_detach_bug.c (the event fulfilled before the store).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

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
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    slot[0] = slot[1] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    long sum = 0;
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
#pragma omp single
        {
            omp_event_handle_t done0, done1;
#pragma omp task detach(done0) depend(out: slot[0])
            {
            }
#pragma omp task firstprivate(done0)
            {
                slot[0] = compute(0);
                omp_fulfill_event(done0);
            }
#pragma omp task depend(in: slot[0])
            {
                MPI_Put(&slot[0], 1, MPI_INT, 1, 0, 1, MPI_INT, win);
                MPI_Win_flush(1, win);
            }
#pragma omp taskwait
#pragma omp task detach(done1)
            {
            }
#pragma omp task firstprivate(done1)
            {
#pragma omp task firstprivate(done1)
                {
                    slot[1] = compute(1);
                    omp_fulfill_event(done1);
                }
            }
#pragma omp taskwait
            MPI_Put(&slot[1], 1, MPI_INT, 1, 1, 1, MPI_INT, win);
            MPI_Win_flush(1, win);
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    sum = slot[0] + slot[1];
    printf("thread_omp_detach_fixed: rank %d sum %ld\n", rank, sum);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
