// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: origin-buffer-conflict at=w_tl,put_tl ranks=0
// rmacheck-lint-expect: none
//
// A `nogroup` taskloop without the taskwait: rank 0's single thread makes a
// taskloop whose task stores slot[0] of its own window memory, and MPI_Puts
// slot[0] to rank 1 without waiting for the task (nogroup: no implicit
// taskgroup either), so the store and the Put are unordered: the Put may
// send the old value or the new one. The task and the single thread wait
// for each other on plain flags (which order nothing): the store happens
// while the Put is pending, on the other thread of the team, as it may in
// any run, and the report does not depend on the schedule.
// See thread_omp_taskloop_fixed.c.
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
                fprintf(stderr, "thread_omp_taskloop_bug needs 2 OpenMP threads\n");
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
#pragma omp taskloop nogroup num_tasks(1)
            for (int k = 0; k < 1; k++) {
                while (!put_started)
                    ;
                slot[k] = 7;  // @w_tl
                stored = 1;
            }
            // BUG: no taskwait before the Put of what the taskloop stores
            put_started = 1;
            MPI_Put(&slot[0], 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put_tl
            while (!stored)
                ;
            MPI_Win_flush(1, win);
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("thread_omp_taskloop_bug: got %d\n", slot[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
