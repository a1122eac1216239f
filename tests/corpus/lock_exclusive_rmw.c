// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a shared bank account on rank 0, updated with a non-atomic
// read-modify-write (MPI_Get, MPI_Win_flush, compute, MPI_Put) inside an
// EXCLUSIVE lock: exclusive lock epochs on one target never overlap, so the
// updates of different ranks are ordered one way or the other. Afterwards,
// readers take SHARED locks and only read.
#include <mpi.h>
#include <stdio.h>

#define DEPOSITS 5

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    long *acct;  // [0] balance, [1] number of deposits
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(long), sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &acct, &win);
    if (rank == 0)
        acct[0] = 1000, acct[1] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    for (int d = 0; d < DEPOSITS; d++) {
        long cur[2];
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        MPI_Get(cur, 2, MPI_LONG, 0, 0, 2, MPI_LONG, win);
        MPI_Win_flush(0, win);
        cur[0] += rank + 1;
        cur[1] += 1;
        MPI_Put(cur, 2, MPI_LONG, 0, 0, 2, MPI_LONG, win);
        MPI_Win_unlock(0, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    long seen[2];
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
    MPI_Get(seen, 2, MPI_LONG, 0, 0, 2, MPI_LONG, win);
    MPI_Win_unlock(0, win);
    const long want = 1000 + (long)DEPOSITS * size * (size + 1) / 2;
    if (seen[0] != want || seen[1] != DEPOSITS * size) {
        fprintf(stderr, "lock_exclusive_rmw: balance %ld (want %ld), %ld deposits\n", seen[0], want, seen[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("lock_exclusive_rmw: balance %ld\n", seen[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
