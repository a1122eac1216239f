// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: origin-buffer-conflict at=get,send ranks=0
// rmacheck-lint-expect: origin-buffer-conflict at=get,send
//
// Forwarding: rank 0 fetches a block from rank 1's window with MPI_Get and
// forwards it to rank 2 with MPI_Send -- before the closing MPI_Win_fence.
// The Get is complete (its data in `block`) only after that fence, so the
// Send reads a buffer that the pending Get may still be writing: an origin
// buffer conflict (rank 2 may receive stale data).
// See race_origin_buffer_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define N 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int vals[N];
    for (int i = 0; i < N; i++)
        vals[i] = rank * 10 + i;
    MPI_Win win;
    MPI_Win_create(vals, sizeof vals, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int block[N] = {0};
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    if (rank == 0) {
        MPI_Get(block, N, MPI_INT, 1, 0, N, MPI_INT, win);  // @get
        MPI_Send(block, N, MPI_INT, 2, 0, MPI_COMM_WORLD);   // @send BUG: the Get is not complete yet
    } else if (rank == 2) {
        MPI_Recv(block, N, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 2)
        printf("race_origin_get_send_bug: received %d %d %d %d\n", block[0], block[1], block[2], block[3]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
