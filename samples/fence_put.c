// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Active-target RMA with MPI_Win_fence: three epochs on a window of N ints per
// rank (MPI_Win_create), using derived datatypes at the target.
//   epoch 1: each rank Puts 4 ints into the even slots 0,2,4,6 of its right
//            neighbour (strided MPI_Type_vector target type);
//   epoch 2: each rank Gets slots 0..7 of its left neighbour (only reads of the
//            window happen, so the fence opening it asserts MPI_MODE_NOPUT);
//   epoch 3: every rank Accumulates (MPI_SUM) into slots 8..11 of rank 0;
//            accumulates of one basic type on the same bytes are atomic.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define N 16

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fence_put: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    // Slots 0..7 start as -(rank*1000+i); the odd ones are never written.
    int win_buf[N];
    for (int i = 0; i < N; i++)
        win_buf[i] = i < 8 ? -(rank * 1000 + i) : 0;
    MPI_Win win;
    MPI_Win_create(win_buf, sizeof win_buf, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    MPI_Datatype every_other, four_ints;
    MPI_Type_vector(4, 1, 2, MPI_INT, &every_other);   // ints at 0, 2, 4, 6
    MPI_Type_commit(&every_other);
    MPI_Type_contiguous(4, MPI_INT, &four_ints);
    MPI_Type_commit(&four_ints);

    // Epoch 1. Nothing is pending before the first fence.
    int out[4];
    for (int i = 0; i < 4; i++)
        out[i] = rank * 100 + i;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(out, 4, MPI_INT, right, 0, 1, every_other, win);
    // `out` may not be touched until the next fence completes the Put.

    // Epoch 2. No local store hit the window since fence 1, and only Gets follow.
    MPI_Win_fence(MPI_MODE_NOSTORE | MPI_MODE_NOPUT, win);
    int got[8];
    MPI_Get(got, 8, MPI_INT, left, 0, 8, MPI_INT, win);
    // Loading our own window is fine here: the concurrent Gets only read it.
    for (int i = 0; i < 4; i++) {
        if (win_buf[2 * i] != left * 100 + i)
            fail("rank %d slot %d = %d, expected %d", rank, 2 * i, win_buf[2 * i], left * 100 + i);
        if (win_buf[2 * i + 1] != -(rank * 1000 + 2 * i + 1))
            fail("rank %d odd slot %d was overwritten", rank, 2 * i + 1);
    }

    // Epoch 3. The Gets complete at this fence; `got` is readable after it.
    MPI_Win_fence(MPI_MODE_NOSTORE, win);
    int left_of_left = (left + size - 1) % size;
    for (int i = 0; i < 4; i++) {
        if (got[2 * i] != left_of_left * 100 + i || got[2 * i + 1] != -(left * 1000 + 2 * i + 1))
            fail("rank %d: Get from rank %d returned wrong data at %d", rank, left, 2 * i);
    }
    int contrib[4];
    for (int i = 0; i < 4; i++)
        contrib[i] = (rank + 1) * (i + 1);
    MPI_Accumulate(contrib, 4, MPI_INT, 0, 8, 1, four_ints, MPI_SUM, win);

    // No RMA call follows the last fence.
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
    if (rank == 0) {
        int ranks_sum = size * (size + 1) / 2;
        for (int i = 0; i < 4; i++)
            if (win_buf[8 + i] != ranks_sum * (i + 1))
                fail("accumulated slot %d = %d, expected %d", 8 + i, win_buf[8 + i], ranks_sum * (i + 1));
    }

    MPI_Type_free(&four_ints);
    MPI_Type_free(&every_other);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("fence_put: OK\n");
    MPI_Finalize();
    return 0;
}
