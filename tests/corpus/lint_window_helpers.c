// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): a small RMA library. The window is created in main and
// passed to helper functions: one exchanges halos inside its own fence
// epoch, one opens a lock epoch and another closes it (the epoch spans
// two functions, as in acquire/release wrappers), one accumulates under
// lock_all. The helpers never see the window's creation; the caller frees
// it once. lint must not call the helper's RMA calls epoch-less, nor the
// acquire helper's open epoch unclosed.
#include <mpi.h>
#include <stdio.h>

#define N 8

static void exchange(MPI_Win win, const double *edge, int right, double *check)
{
    MPI_Win_fence(0, win);
    MPI_Put(edge, 1, MPI_DOUBLE, right, 0, 1, MPI_DOUBLE, win);
    MPI_Win_fence(0, win);
    *check += edge[0];
}

static void acquire(MPI_Win win, int owner)
{
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, owner, 0, win);
}

static void release(MPI_Win win, int owner)
{
    MPI_Win_unlock(owner, win);
}

static long add_to_counter(MPI_Win win, int owner, long amount)
{
    long old = 0;
    acquire(win, owner);
    MPI_Fetch_and_op(&amount, &old, MPI_LONG, owner, 1, MPI_SUM, win);
    release(win, owner);
    return old;
}

static void accumulate_all(MPI_Win win, int size, const long *contrib)
{
    MPI_Win_lock_all(0, win);
    for (int t = 0; t < size; t++)
        MPI_Accumulate(contrib, 1, MPI_LONG, t, 2, 1, MPI_LONG, MPI_SUM, win);
    MPI_Win_unlock_all(win);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    // mem[1]: a counter on rank 0, mem[2]: a sum on every rank.
    long *mem;
    MPI_Win win;
    MPI_Win_allocate(3 * sizeof(long), sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &mem, &win);
    mem[0] = mem[1] = mem[2] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    // The halo: a window of one double.
    double halo = -1, edge[1] = {rank + 0.5}, check = 0;
    MPI_Win hwin;
    MPI_Win_create(&halo, sizeof halo, sizeof halo, MPI_INFO_NULL, MPI_COMM_WORLD, &hwin);
    exchange(hwin, edge, (rank + 1) % size, &check);
    if (halo != (rank + size - 1) % size + 0.5) {
        fprintf(stderr, "rank %d: halo %g\n", rank, halo);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&hwin);

    add_to_counter(win, 0, rank + 1);
    long one = 1;
    accumulate_all(win, size, &one);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock(MPI_LOCK_SHARED, rank, 0, win);
    long counter = mem[1], sum = mem[2];
    MPI_Win_unlock(rank, win);
    if (sum != size || (rank == 0 && counter != (long)size * (size + 1) / 2)) {
        fprintf(stderr, "rank %d: sum %ld counter %ld\n", rank, sum, counter);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    if (rank == 0)
        printf("lint_window_helpers: ok\n");
    MPI_Finalize();
    return 0;
}
