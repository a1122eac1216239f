// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// The fixed twin of thread_omp_regions_bug.c: the same five stores into rank
// 0's window memory and the same Puts by the other thread, now ordered: an
// explicit barrier after the master region, the end barriers of single,
// sections and the loop (no nowait), and a taskwait before the Put of the
// task's memory. Built with `rmacheck mpicc -fopenmp`.
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <omp.h>
#include <stdio.h>

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
            slot[0] = 10;
#pragma omp barrier
            MPI_Put(&slot[0], 1, MPI_INT, 1, me, 1, MPI_INT, win);
            MPI_Win_flush(1, win);
        }
#pragma omp parallel num_threads(2)
        {
            const int me = omp_get_thread_num();
#pragma omp single
            slot[2] = 20;
            MPI_Put(&slot[2], 1, MPI_INT, 1, 2 + me, 1, MPI_INT, win);
            MPI_Win_flush(1, win);
        }
#pragma omp parallel num_threads(2)
        {
            const int me = omp_get_thread_num();
#pragma omp sections
            {
#pragma omp section
                slot[4] = 40;
#pragma omp section
                slot[5] = 50;
            }
            MPI_Put(&slot[4], 1, MPI_INT, 1, 4 + me, 1, MPI_INT, win);
            MPI_Win_flush(1, win);
        }
#pragma omp parallel num_threads(2)
        {
            // Iteration i runs on thread i (static schedule): thread 1 stores slot[7].
#pragma omp for schedule(static)
            for (int i = 0; i < 2; i++)
                slot[6 + i] = 60 + i;
            if (omp_get_thread_num() == 0) {
                MPI_Put(&slot[6], 2, MPI_INT, 1, 6, 2, MPI_INT, win);
                MPI_Win_flush(1, win);
            }
        }
#pragma omp parallel num_threads(2)
#pragma omp single
        {
#pragma omp task
            slot[8] = 80;
#pragma omp taskwait
            MPI_Put(&slot[8], 1, MPI_INT, 1, 8, 1, MPI_INT, win);
            MPI_Win_flush(1, win);
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        printf("thread_omp_regions_fixed: %d %d %d %d %d\n", slot[0], slot[2], slot[4], slot[7], slot[8]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
