// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: origin-buffer-conflict at=put,recv ranks=0
// rmacheck-lint-expect: origin-buffer-conflict at=put,recv
//
// A staging buffer reused too early: rank 0 puts its staged batch into rank
// 1's window with MPI_Put and immediately receives the next batch from rank 2
// into the same `stage` buffer with MPI_Recv, before the closing fence. The
// Put may read its origin buffer until that fence completes it, so the
// receive overwrites a buffer still in use (rank 1 may get rank 2's batch).
// See race_origin_buffer_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define N 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int inbox[N] = {0};
    MPI_Win win;
    MPI_Win_create(inbox, sizeof inbox, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int stage[N];
    for (int i = 0; i < N; i++)
        stage[i] = rank * 10 + i;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    if (rank == 0) {
        MPI_Put(stage, N, MPI_INT, 1, 0, N, MPI_INT, win);  // @put
        MPI_Recv(stage, N, MPI_INT, 2, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);   // @recv BUG: Put still pending
    } else if (rank == 2) {
        MPI_Send(stage, N, MPI_INT, 0, 0, MPI_COMM_WORLD);
    }
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 1)
        printf("race_origin_put_recv_bug: inbox starts with %d\n", inbox[0]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
