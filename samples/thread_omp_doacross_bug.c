// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: origin-buffer-conflict at=w_da,put_da ranks=0
// rmacheck-lint-expect: none
//
// A doacross loop whose sink names the wrong iteration: iteration 1 of a
// loop shared by two threads MPI_Puts slot[0] of rank 0's own window memory,
// which iteration 0 (the other thread) stores, but waits for iteration -1
// (`depend(sink: i - 2)`, the typo; outside the loop, so no wait at all),
// so the store and the Put are unordered: the Put may send the old value or
// the new one. The iterations wait for each other on plain flags (which
// order nothing): the store happens while the Put is pending, as it may in
// any run, and the report does not depend on the schedule.
// See thread_omp_doacross_fixed.c.
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
#pragma omp parallel for ordered(1) schedule(static, 1) num_threads(2)
        for (int i = 0; i < 2; i++) {
            if (omp_get_num_threads() < 2) {
                fprintf(stderr, "thread_omp_doacross_bug needs 2 OpenMP threads\n");
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
#pragma omp ordered depend(sink: i - 2)  // BUG: iteration 1 reads what iteration 0 stores
            if (i == 0) {
                while (!put_started)
                    ;
                slot[0] = 7;  // @w_da
                stored = 1;
            } else {
                put_started = 1;
                MPI_Put(&slot[0], 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put_da
                while (!stored)
                    ;
                MPI_Win_flush(1, win);
            }
#pragma omp ordered depend(source)
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("thread_omp_doacross_bug: got %d\n", slot[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
