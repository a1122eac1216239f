// rmacheck-sample: ranks=2 timeout=60 guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of thread_omp_put_bug.c: the threads of the OpenMP team on
// rank 0 MPI_Put into the same int of rank 1's window inside a critical
// section, with the flush that completes the Put; the end of one thread's
// critical section happens before the next one's start. After the parallel
// region (its join orders every thread before the master) the master
// unlocks and rank 1 checks the value. guard=false: guarded pages need
// MPI_THREAD_SERIALIZED.
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
#pragma omp critical
            {
                MPI_Put(&value, 1, MPI_INT, 1, 0, 1, MPI_INT, win);
                MPI_Win_flush(1, win);
            }
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1 && *slot != 7) {
        fprintf(stderr, "slot = %d\n", *slot);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
