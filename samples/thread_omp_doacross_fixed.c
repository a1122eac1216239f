// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// OpenMP doacross loops, correct: on rank 0, iteration i of a loop shared
// by two threads (schedule(static, 1): neighbouring iterations on different
// threads) stores slot[i] of rank 0's own window memory, and iteration i+1,
// after `ordered depend(sink: i)`, MPI_Puts slot[i] to rank 1 and flushes:
// iteration i's `ordered depend(source)` comes after its store, so each Put
// reads a stored value. Then the same in two dimensions over unsigned long
// long counters (GOMP_loop_ull_doacross_*, GOMP_doacross_ull_*): cell (i, j)
// waits for (i-1, j) and (i, j-1) and Puts both (to two areas of rank 1's
// window: the two Puts of one cell are unordered with each other).
// See thread_omp_doacross_bug.c (a sink that names the wrong iteration).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#define N 8
#define M 4

// Stands for the work that makes a value (a millisecond).
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
    MPI_Win_allocate((N + 2 * M * M) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int i = 0; i < N + 2 * M * M; i++)
        slot[i] = 0;
    int *cell = slot + N;
    MPI_Barrier(MPI_COMM_WORLD);
    long sum = 0;
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel for ordered(1) schedule(static, 1) num_threads(2)
        for (int i = 0; i < N; i++) {
#pragma omp ordered depend(sink: i - 1)
            if (i > 0) {
                MPI_Put(&slot[i - 1], 1, MPI_INT, 1, i - 1, 1, MPI_INT, win);
                MPI_Win_flush(1, win);
            }
            slot[i] = compute(i);
#pragma omp ordered depend(source)
        }
#pragma omp parallel for ordered(2) schedule(static, 1) num_threads(2)
        for (unsigned long long i = 1; i <= M; i++)  // from 1: i - 1 stays in unsigned range
            for (unsigned long long j = 1; j <= M; j++) {
#pragma omp ordered depend(sink: i - 1, j) depend(sink: i, j - 1)
                const int c = (int)((i - 1) * M + (j - 1));
                if (i > 1)
                    MPI_Put(&cell[c - M], 1, MPI_INT, 1, N + c - M, 1, MPI_INT, win);
                if (j > 1)
                    MPI_Put(&cell[c - 1], 1, MPI_INT, 1, N + M * M + c - 1, 1, MPI_INT, win);
                MPI_Win_flush(1, win);
                cell[c] = compute(c);
#pragma omp ordered depend(source)
            }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < N + 2 * M * M; i++)
        sum += slot[i];
    printf("thread_omp_doacross_fixed: rank %d sum %ld\n", rank, sum);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
