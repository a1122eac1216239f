// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put,put2 ranks=0,2
// rmacheck-lint-expect: none
//
// Assembling a message in rank 1's window inside one MPI_Win_fence epoch:
// rank 0 writes the 2-int header (sequence number, payload length) and rank 2
// writes the 6-int payload behind it. The payload's target displacement
// forgets to skip the header, so both Puts write bytes [0,8) of rank 1's
// window in the same fence epoch: a data race (which header survives is
// undefined). See race_put_put_fence_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define HDR 2
#define LEN 6

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int msg[HDR + LEN] = {0};
    MPI_Win win;
    MPI_Win_create(msg, sizeof msg, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int header[HDR] = {42, LEN}, payload[LEN];
    for (int i = 0; i < LEN; i++)
        payload[i] = 100 + i;

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    if (rank == 0)
        MPI_Put(header, HDR, MPI_INT, 1, 0, HDR, MPI_INT, win);  // @put
    else if (rank == 2)
        MPI_Put(payload, LEN, MPI_INT, 1, 0, LEN, MPI_INT, win);   // @put2 BUG: displacement should be HDR
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 1)
        printf("race_put_put_fence_bug: header %d %d, payload starts with %d\n", msg[0], msg[1], msg[HDR]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
