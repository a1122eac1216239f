// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// A dynamic window (MPI_Win_create_dynamic) whose memory changes over time:
// each rank attaches a region, publishes its address (MPI_Get_address +
// MPI_Allgather), and the others access it inside lock_all epochs. For a
// dynamic window the target displacement IS the address at the target.
// Then every rank detaches the region and attaches a larger one: the
// addresses must be exchanged again before anyone touches it.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define K 4

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dynamic_window: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

// One phase: `region` holds 2*len ints; the first len are written by the left
// neighbour, the last len are read by the right neighbour.
static void phase(MPI_Win win, int *region, int len, int rank, int size, int tag)
{
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    for (int i = 0; i < 2 * len; i++)
        region[i] = i < len ? -1 : tag + rank * 10 + i;
    MPI_Win_attach(win, region, 2 * len * sizeof(int));

    MPI_Aint addr, *addrs = malloc(size * sizeof(MPI_Aint));
    MPI_Get_address(region, &addr);
    MPI_Allgather(&addr, 1, MPI_AINT, addrs, 1, MPI_AINT, MPI_COMM_WORLD);

    int *out = malloc(len * sizeof(int)), *in = malloc(len * sizeof(int));
    for (int i = 0; i < len; i++)
        out[i] = tag + rank * 100 + i;
    MPI_Win_lock_all(0, win);
    MPI_Put(out, len, MPI_INT, right, addrs[right], len, MPI_INT, win);
    MPI_Get(in, len, MPI_INT, left, MPI_Aint_add(addrs[left], len * sizeof(int)), len, MPI_INT, win);
    MPI_Win_unlock_all(win);
    for (int i = 0; i < len; i++)
        if (in[i] != tag + left * 10 + len + i)
            fail("rank %d: Get from rank %d returned %d at %d", rank, left, in[i], i);

    MPI_Barrier(MPI_COMM_WORLD);   // all epochs closed: our region is final and unused
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    for (int i = 0; i < len; i++)
        if (region[i] != tag + left * 100 + i)
            fail("rank %d: slot %d holds %d", rank, i, region[i]);
    MPI_Win_unlock(rank, win);
    MPI_Win_detach(win, region);
    free(in);
    free(out);
    free(addrs);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    MPI_Win win;
    MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int *small = malloc(2 * K * sizeof(int));
    phase(win, small, K, rank, size, 1000);
    free(small);   // detached above, so it may be released

    int *large = malloc(2 * 4 * K * sizeof(int));
    phase(win, large, 4 * K, rank, size, 5000);
    free(large);

    MPI_Win_free(&win);
    if (rank == 0)
        printf("dynamic_window: OK\n");
    MPI_Finalize();
    return 0;
}
