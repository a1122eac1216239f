// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a nonblocking barrier as the notification. Each rank writes its
// contribution into every other rank's window in a lock_all epoch, flushes
// all targets, then enters MPI_Ibarrier and overlaps local work with MPI_Test
// until it completes; after that, everybody's contributions are in its own
// window, which it reads with MPI_Get.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int *w;
    MPI_Win win;
    MPI_Win_allocate(size * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &w, &win);
    for (int i = 0; i < size; i++)
        w[i] = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Win_lock_all(0, win);
    const int mine = rank * rank;
    for (int r = 0; r < size; r++)
        MPI_Put(&mine, 1, MPI_INT, r, rank, 1, MPI_INT, win);
    MPI_Win_flush_all(win);
    MPI_Request bar;
    MPI_Ibarrier(MPI_COMM_WORLD, &bar);
    int done = 0;
    long spins = 0;
    while (!done) {
        spins++;
        MPI_Test(&bar, &done, MPI_STATUS_IGNORE);
    }
    int *all = malloc(size * sizeof(int));
    MPI_Get(all, size, MPI_INT, rank, 0, size, MPI_INT, win);
    MPI_Win_unlock_all(win);
    for (int r = 0; r < size; r++)
        if (all[r] != r * r) {
            fprintf(stderr, "ibarrier_flush: rank %d slot %d = %d\n", rank, r, all[r]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    if (rank == 0)
        printf("ibarrier_flush: ok after %ld tests\n", spins > 0 ? spins : 0);
    free(all);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
