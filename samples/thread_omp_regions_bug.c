// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: origin-buffer-conflict at=w_master,put_master ranks=0
// rmacheck-expect: origin-buffer-conflict at=w_single,put_single ranks=0
// rmacheck-expect: origin-buffer-conflict at=w_sections,put_sections ranks=0
// rmacheck-expect: origin-buffer-conflict at=w_for,put_for ranks=0
// rmacheck-expect: origin-buffer-conflict at=w_task,put_task ranks=0
// rmacheck-lint-expect: none
//
// OpenMP with MPI_THREAD_MULTIPLE, built with `rmacheck mpicc -fopenmp`: in
// five parallel regions of two threads, one thread stores into rank 0's own
// window memory inside a worksharing construct (master, single nowait,
// sections nowait, for nowait) or an explicit task, and another thread
// MPI_Puts that memory to rank 1 while nothing orders the store before the
// Put: the Put may send the old value or the new one. Each store races with
// the Put of the other thread only (its own thread's Put follows it in
// program order). See thread_omp_regions_fixed.c: a barrier, the constructs'
// own end barriers, and a taskwait order each store before the Puts.
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <omp.h>
#include <stdio.h>

static volatile int task_done;  // a plain flag: it orders nothing

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
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
        {
            const int me = omp_get_thread_num();
#pragma omp master
            slot[0] = 10;  // @w_master BUG: master has no barrier at its end
            MPI_Put(&slot[0], 1, MPI_INT, 1, me, 1, MPI_INT, win);  // @put_master
            MPI_Win_flush(1, win);
        }
#pragma omp parallel num_threads(2)
        {
            const int me = omp_get_thread_num();
#pragma omp single nowait
            slot[2] = 20;  // @w_single BUG: nowait drops the single's end barrier
            MPI_Put(&slot[2], 1, MPI_INT, 1, 2 + me, 1, MPI_INT, win);  // @put_single
            MPI_Win_flush(1, win);
        }
#pragma omp parallel num_threads(2)
        {
            const int me = omp_get_thread_num();
#pragma omp sections nowait
            {
#pragma omp section
                slot[4] = 40;  // @w_sections BUG: nowait drops the sections' end barrier
#pragma omp section
                slot[5] = 50;
            }
            MPI_Put(&slot[4], 1, MPI_INT, 1, 4 + me, 1, MPI_INT, win);  // @put_sections
            MPI_Win_flush(1, win);
        }
#pragma omp parallel num_threads(2)
        {
            // Iteration i runs on thread i (static schedule): thread 1 stores slot[7].
#pragma omp for schedule(static) nowait
            for (int i = 0; i < 2; i++)
                slot[6 + i] = 60 + i;  // @w_for BUG: nowait drops the loop's end barrier
            if (omp_get_thread_num() == 0) {
                MPI_Put(&slot[6], 2, MPI_INT, 1, 6, 2, MPI_INT, win);  // @put_for
                MPI_Win_flush(1, win);
            }
        }
#pragma omp parallel num_threads(2)
#pragma omp single
        {
#pragma omp task
            {
                slot[8] = 80;  // @w_task BUG: nothing waits for the task before the Put
                task_done = 1;
            }
            MPI_Put(&slot[8], 1, MPI_INT, 1, 8, 1, MPI_INT, win);  // @put_task
            // Busy here until the task ran, so that it runs on the other thread while the Put is
            // pending (as it may in any run): the report does not depend on the schedule.
            while (!task_done)
                ;
            MPI_Win_flush(1, win);
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("thread_omp_regions_bug: %d %d %d %d %d\n", slot[0], slot[2], slot[4], slot[7], slot[8]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
