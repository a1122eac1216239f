// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: origin-buffer-conflict at=w_det,put_det ranks=0
// rmacheck-lint-expect: none
//
// A detached task's event fulfilled too early: rank 0's single thread makes
// a detached task with depend(out: slot[0]), a task that fulfills its event
// and only then stores slot[0] of rank 0's own window memory, and a task,
// depend(in: slot[0]), that MPI_Puts slot[0] to rank 1: the dependence
// orders the Put after the fulfillment, not after the store, so the two are
// unordered and the Put may send the old value or the new one. The tasks
// wait for each other on plain flags (which order nothing): the store
// happens while the Put is pending, on the other thread of the team, as it
// may in any run, and the report does not depend on the schedule.
// See thread_omp_detach_fixed.c.
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <omp.h>
#include <stdio.h>

static volatile int put_started, stored;  // plain flags: they order nothing

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
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
#pragma omp single
        {
            if (omp_get_num_threads() < 2) {
                fprintf(stderr, "thread_omp_detach_bug needs 2 OpenMP threads\n");
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            omp_event_handle_t done;
#pragma omp task detach(done) depend(out: slot[0])
            {
            }
#pragma omp task firstprivate(done)
            {
                omp_fulfill_event(done);  // BUG: before the store it stands for
                while (!put_started)
                    ;
                slot[0] = 7;  // @w_det
                stored = 1;
            }
#pragma omp task depend(in: slot[0])
            {
                put_started = 1;
                MPI_Put(&slot[0], 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put_det
                while (!stored)
                    ;
                MPI_Win_flush(1, win);
            }
#pragma omp taskwait
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("thread_omp_detach_bug: got %d\n", slot[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
