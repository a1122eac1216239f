// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// A shared-memory window (MPI_Win_allocate_shared) on the ranks of one node
// (MPI_Comm_split_type): each rank fills its own segment with plain stores, and
// its left neighbour reads it with plain loads through the pointer returned by
// MPI_Win_shared_query. The classic protocol inside a lock_all epoch:
//   store; MPI_Win_sync; MPI_Barrier; MPI_Win_sync; load.
// Then every rank adds into rank 0's segment with MPI_Accumulate, flushes,
// and rank 0 reads the sum after a barrier and a Win_sync.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define N 8   // doubles per segment, plus one accumulator slot at index N

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "shared_window: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int rank, size;
    MPI_Comm_rank(node, &rank);
    MPI_Comm_size(node, &size);
    int right = (rank + 1) % size;

    double *mine;
    MPI_Win win;
    MPI_Win_allocate_shared((N + 1) * sizeof(double), sizeof(double), MPI_INFO_NULL, node, &mine, &win);

    MPI_Aint seg_size;
    int disp_unit;
    double *theirs;
    MPI_Win_shared_query(win, right, &seg_size, &disp_unit, &theirs);
    if (seg_size != (N + 1) * (MPI_Aint)sizeof(double) || disp_unit != sizeof(double))
        fail("rank %d: segment of rank %d has size %ld, disp_unit %d", rank, right, (long)seg_size, disp_unit);

    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    for (int i = 0; i < N; i++)
        mine[i] = rank + 0.5 * i;
    mine[N] = 0.0;
    MPI_Win_sync(win);      // our stores reach the window ...
    MPI_Barrier(node);      // ... before anybody passes the barrier ...
    MPI_Win_sync(win);      // ... and we see everybody's stores after it
    for (int i = 0; i < N; i++)
        if (theirs[i] != right + 0.5 * i)
            fail("rank %d: segment of rank %d holds %g at %d", rank, right, theirs[i], i);

    double contrib = rank + 1.0;
    MPI_Accumulate(&contrib, 1, MPI_DOUBLE, 0, N, 1, MPI_DOUBLE, MPI_SUM, win);
    MPI_Win_flush(0, win);  // complete at rank 0 before the barrier
    MPI_Barrier(node);
    MPI_Win_sync(win);
    if (rank == 0 && mine[N] != size * (size + 1) / 2.0)
        fail("sum is %g, expected %g", mine[N], size * (size + 1) / 2.0);
    MPI_Win_unlock_all(win);

    MPI_Win_free(&win);
    MPI_Comm_free(&node);
    if (rank == 0)
        printf("shared_window: OK\n");
    MPI_Finalize();
    return 0;
}
