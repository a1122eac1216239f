// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: rma-conflict at=put_lock ranks=0
// rmacheck-expect: rma-conflict at=put_ordered ranks=0
// rmacheck-lint-expect: none
//
// The bug twin of thread_omp_sync_fixed.c: the two threads of a team on
// rank 0 MPI_Put into the same int of rank 1's window and flush it, and
// take the nested lock only after the Put; the loop's iterations Put into
// another int before their `ordered` region. Each thread's flush completes
// its own Put only, and nothing orders one thread's Put before the other's:
// the Puts race. guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <omp.h>
#include <stdio.h>

static int value = 7;

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
        omp_nest_lock_t lock;
        omp_init_nest_lock(&lock);
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
        {
            MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put_lock BUG: before the lock
            omp_set_nest_lock(&lock);
            omp_set_nest_lock(&lock);
            MPI_Win_flush(1, win);
            omp_unset_nest_lock(&lock);
            omp_unset_nest_lock(&lock);
        }
#pragma omp parallel for ordered schedule(static, 1) num_threads(2)
        for (int i = 0; i < 4; i++) {
            MPI_Put(&value, 1, MPI_INT, 1, 1, 1, MPI_INT, win);  // @put_ordered BUG: before the ordered region
#pragma omp ordered
            MPI_Win_flush(1, win);
        }
        MPI_Win_unlock_all(win);
        omp_destroy_nest_lock(&lock);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("thread_omp_sync_bug: %d %d\n", slot[0], slot[1]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
