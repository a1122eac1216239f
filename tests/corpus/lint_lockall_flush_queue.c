// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): a passive-target work distribution. Every rank holds
// lock_all for the whole phase, claims work items from a counter on rank 0
// with MPI_Fetch_and_op (flushed before the result is read), writes each
// item's result into the owner's result array with MPI_Put and a
// flush of that target, and stops when the counter runs past the end
// (a `while (1)` loop left by `break`). Then a barrier, and the owner
// reads its results after unlock_all.
#include <mpi.h>
#include <stdio.h>

#define ITEMS 12

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    // mem[0]: the next item (rank 0 only), mem[1..ITEMS]: results owned by item % size.
    int *mem;
    MPI_Win win;
    MPI_Win_allocate((ITEMS + 1) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &mem, &win);
    for (int i = 0; i <= ITEMS; i++)
        mem[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Win_lock_all(0, win);
    const int one = 1;
    int done = 0;
    while (1) {
        int item = -1;
        MPI_Fetch_and_op(&one, &item, MPI_INT, 0, 0, MPI_SUM, win);
        MPI_Win_flush(0, win);
        if (item >= ITEMS)
            break;
        int value = item * 3;
        MPI_Put(&value, 1, MPI_INT, item % size, 1 + item, 1, MPI_INT, win);
        MPI_Win_flush(item % size, win);
        done++;
    }
    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);

    for (int item = rank; item < ITEMS; item += size)
        if (mem[1 + item] != item * 3) {
            fprintf(stderr, "rank %d: item %d = %d\n", rank, item, mem[1 + item]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    int total = 0;
    MPI_Reduce(&done, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0 && total != ITEMS) {
        fprintf(stderr, "rank 0: %d items done\n", total);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    if (rank == 0)
        printf("lint_lockall_flush_queue: ok\n");
    MPI_Finalize();
    return 0;
}
