// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: assert-violation at=win_fence,accumulate
// rmacheck-lint-expect: none
//
// Epoch 1: every rank puts its rank into its right neighbour. Epoch 2 is
// meant to be read-only, so its opening fence asserts MPI_MODE_NOPUT ("the
// local window is not updated by put or accumulate until the next fence"),
// but in that epoch every rank also counts itself in on rank 0 with
// MPI_Accumulate: rank 0's window is updated. Fixed twin: fence_noput_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { FROM_LEFT = 0, COUNT = 1, NSLOTS = 2 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *slots;
    MPI_Win win;
    MPI_Win_allocate(NSLOTS * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slots, &win);
    slots[FROM_LEFT] = -1;
    slots[COUNT] = 0;

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Put(&rank, 1, MPI_INT, right, FROM_LEFT, 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOPUT, win);   // @win_fence BUG: rank 0's window is updated below
    int peek = -1, one = 1;
    MPI_Get(&peek, 1, MPI_INT, left, FROM_LEFT, 1, MPI_INT, win);
    MPI_Accumulate(&one, 1, MPI_INT, 0, COUNT, 1, MPI_INT, MPI_SUM, win);  // @accumulate
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0)
        printf("fence_noput: count %d (expected %d)\n", slots[COUNT], size);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
