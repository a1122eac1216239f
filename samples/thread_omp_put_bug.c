// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-expect: rma-conflict at=put ranks=0
// rmacheck-lint-expect: none
//
// OpenMP with MPI_THREAD_MULTIPLE: every thread of an OpenMP team on rank 0
// MPI_Puts into the same int of rank 1's window and flushes it. Each
// thread's flush completes its own Put only; the team's threads are not
// ordered with each other inside the parallel region, so their Puts race.
// See thread_omp_put_fixed.c (a critical section around Put+flush).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
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
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    *slot = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(4)
        {
            MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);  // @put
            MPI_Win_flush(1, win);
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
