// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a window on a sub-communicator, and request completion in any
// order. The even ranks of MPI_COMM_WORLD form a group of servers with
// their own window; in a lock_all epoch every server gathers one value from
// each server with MPI_Rget, completing the requests with MPI_Waitany in
// whatever order they finish. A second window over MPI_COMM_WORLD is used
// with fences at the same time (different memory).
// (Only one of the two halves creates a window: with Open MPI 4.1's osc/sm
// on one node, windows created at the same time on the two halves of an
// MPI_Comm_split can share memory or fail to be created, see
// /work/shared/field-notes.md.)
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int wrank, wsize;
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    MPI_Comm servers;
    MPI_Comm_split(MPI_COMM_WORLD, wrank % 2 == 0 ? 0 : MPI_UNDEFINED, wrank, &servers);

    int *counts;
    MPI_Win wwin;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &counts, &wwin);
    *counts = 0;
    MPI_Win_fence(MPI_MODE_NOPRECEDE, wwin);

    int seen = 0, size = 0, first = -1;
    if (servers != MPI_COMM_NULL) {
        MPI_Comm_size(servers, &size);
        int *value, *got = malloc(size * sizeof(int));
        MPI_Win swin;
        MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, servers, &value, &swin);
        *value = 1000 + wrank;
        MPI_Barrier(servers);
        MPI_Request *reqs = malloc(size * sizeof(MPI_Request));
        MPI_Win_lock_all(0, swin);
        for (int r = 0; r < size; r++)
            MPI_Rget(&got[r], 1, MPI_INT, r, 0, 1, MPI_INT, swin, &reqs[r]);
        for (int k = 0; k < size; k++) {
            int idx;
            MPI_Waitany(size, reqs, &idx, MPI_STATUS_IGNORE);
            seen += got[idx] == 1000 + 2 * idx;  // server idx is world rank 2 * idx
        }
        MPI_Win_unlock_all(swin);
        first = got[0];
        MPI_Win_free(&swin);
        free(got), free(reqs);
        MPI_Comm_free(&servers);
    }
    const int one = 1;
    MPI_Accumulate(&one, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, wwin);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, wwin);

    if (seen != size || (size && first != 1000) || (wrank == 0 && *counts != wsize)) {
        fprintf(stderr, "split_comm_waitany: rank %d seen %d of %d, first %d\n", wrank, seen, size, first);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (wrank == 0)
        printf("split_comm_waitany: ok\n");
    MPI_Win_free(&wwin);
    MPI_Finalize();
    return 0;
}
