// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_put_put_fence_bug.c: rank 0 writes the 2-int header and
// rank 2 the 6-int payload of a message in rank 1's window, in one fence
// epoch. The payload goes to displacement HDR, so the two Puts write disjoint
// bytes ([0,8) and [8,32)) and need no ordering between them.
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
        MPI_Put(header, HDR, MPI_INT, 1, 0, HDR, MPI_INT, win);
    else if (rank == 2)
        MPI_Put(payload, LEN, MPI_INT, 1, HDR, LEN, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 1) {
        int ok = msg[0] == 42 && msg[1] == LEN;
        for (int i = 0; i < LEN; i++)
            ok = ok && msg[HDR + i] == 100 + i;
        if (!ok) {
            fprintf(stderr, "race_put_put_fence_fixed: wrong message at rank 1\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_put_put_fence_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
