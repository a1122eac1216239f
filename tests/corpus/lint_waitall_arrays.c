// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): requests collected in arrays the way real codes do it:
// a counter `nreq` that grows as requests are posted (some neighbours
// skipped), completed by one MPI_Waitall over the first nreq elements;
// request-based RMA (MPI_Rget into an array, completed by Waitall inside
// a lock_all epoch); and a Waitany loop that drains an array of receives.
#include <mpi.h>
#include <stdio.h>

#define LEN 4
#define MAXN 8

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size > MAXN) {
        if (rank == 0)
            fprintf(stderr, "lint_waitall_arrays: at most %d ranks\n", MAXN);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    // Every rank sends to and receives from every other rank (not itself).
    int sendbuf[LEN], recvbuf[MAXN][LEN];
    for (int i = 0; i < LEN; i++)
        sendbuf[i] = rank * 100 + i;
    MPI_Request reqs[2 * MAXN];
    int nreq = 0;
    for (int peer = 0; peer < size; peer++) {
        if (peer == rank)
            continue;
        MPI_Irecv(recvbuf[peer], LEN, MPI_INT, peer, 0, MPI_COMM_WORLD, &reqs[nreq++]);
    }
    for (int peer = 0; peer < size; peer++) {
        if (peer == rank)
            continue;
        MPI_Isend(sendbuf, LEN, MPI_INT, peer, 0, MPI_COMM_WORLD, &reqs[nreq++]);
    }
    MPI_Waitall(nreq, reqs, MPI_STATUSES_IGNORE);
    for (int peer = 0; peer < size; peer++)
        if (peer != rank && recvbuf[peer][LEN - 1] != peer * 100 + LEN - 1) {
            fprintf(stderr, "rank %d: from %d got %d\n", rank, peer, recvbuf[peer][LEN - 1]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }

    // Request-based Gets of every rank's first element.
    int *base;
    MPI_Win win;
    MPI_Win_allocate(LEN * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    for (int i = 0; i < LEN; i++)
        base[i] = rank + 10 * i;
    MPI_Barrier(MPI_COMM_WORLD);
    int firsts[MAXN];
    MPI_Request rma[MAXN];
    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    for (int t = 0; t < size; t++)
        MPI_Rget(&firsts[t], 1, MPI_INT, t, 0, 1, MPI_INT, win, &rma[t]);
    MPI_Waitall(size, rma, MPI_STATUSES_IGNORE);
    MPI_Win_unlock_all(win);
    for (int t = 0; t < size; t++)
        if (firsts[t] != t) {
            fprintf(stderr, "rank %d: first of %d is %d\n", rank, t, firsts[t]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    MPI_Barrier(MPI_COMM_WORLD);  // nobody frees the window while others read it
    MPI_Win_free(&win);

    // A ring token drained with Waitany.
    int token[2] = {-1, -1};
    MPI_Request ring[2];
    MPI_Irecv(&token[0], 1, MPI_INT, (rank + size - 1) % size, 1, MPI_COMM_WORLD, &ring[0]);
    MPI_Irecv(&token[1], 1, MPI_INT, (rank + 1) % size, 2, MPI_COMM_WORLD, &ring[1]);
    MPI_Send(&rank, 1, MPI_INT, (rank + 1) % size, 1, MPI_COMM_WORLD);
    MPI_Send(&rank, 1, MPI_INT, (rank + size - 1) % size, 2, MPI_COMM_WORLD);
    for (int done = 0; done < 2; done++) {
        int which;
        MPI_Waitany(2, ring, &which, MPI_STATUS_IGNORE);
    }
    if (token[0] != (rank + size - 1) % size || token[1] != (rank + 1) % size) {
        fprintf(stderr, "rank %d: tokens %d %d\n", rank, token[0], token[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("lint_waitall_arrays: ok\n");
    MPI_Finalize();
    return 0;
}
