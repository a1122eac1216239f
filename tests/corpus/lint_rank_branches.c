// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): rank-dependent control flow that still calls every
// collective on every rank. The root reads input and the others wait, but
// both sides reach the same fences; roles by parity each end in the same
// barrier; a `switch` on the rank's role where every case fences; a
// helper that returns early on non-root ranks only after the collective;
// and rank tests repeated on an unchanged rank (lock taken and released
// under the same condition).
#include <mpi.h>
#include <stdio.h>

#define N 4

static int role_of(int rank, int size)
{
    if (rank == 0)
        return 0;
    return rank == size - 1 ? 2 : 1;
}

// Every rank calls the fence; only the root then prints.
static void report(MPI_Win win, const int *data, int rank)
{
    MPI_Win_fence(0, win);
    if (rank != 0)
        return;
    printf("lint_rank_branches: data[0] = %d\n", data[0]);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int data[N] = {0, 0, 0, 0};
    MPI_Win win;
    MPI_Win_create(data, sizeof data, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    // The root "reads input" and broadcasts it by Put; everyone fences twice.
    int input[N] = {1, 2, 3, 4};
    if (rank == 0) {
        MPI_Win_fence(0, win);
        for (int t = 1; t < size; t++)
            MPI_Put(input, N, MPI_INT, t, 0, N, MPI_INT, win);
        MPI_Win_fence(0, win);
        for (int i = 0; i < N; i++)
            data[i] = input[i];
    } else {
        MPI_Win_fence(0, win);
        MPI_Win_fence(0, win);
    }

    // Even and odd ranks do different work, and meet in one barrier.
    long work = 0;
    if (rank % 2 == 0) {
        for (int i = 0; i < N; i++)
            work += data[i];
        MPI_Barrier(MPI_COMM_WORLD);
    } else {
        work = data[N - 1];
        MPI_Barrier(MPI_COMM_WORLD);
    }

    // Roles in a switch: each case fences once (NOSUCCEED: no RMA follows
    // in a fence epoch, the lock epoch below is not mixed into one).
    switch (role_of(rank, size)) {
        case 0:
            MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
            break;
        case 1:
            work += 1;
            MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
            break;
        default:
            MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
            work -= 1;
            break;
    }

    // The last rank bumps a counter on rank 0 under a lock, taken and
    // released under the same, unchanged condition.
    const int bumper = rank == size - 1;
    int one = 1;
    if (bumper)
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
    if (bumper)
        MPI_Accumulate(&one, 1, MPI_INT, 0, N - 1, 1, MPI_INT, MPI_SUM, win);
    if (bumper)
        MPI_Win_unlock(0, win);
    MPI_Barrier(MPI_COMM_WORLD);

    report(win, data, rank);
    if (rank == 0 && data[N - 1] != N + 1) {
        fprintf(stderr, "rank 0: data[%d] = %d\n", N - 1, data[N - 1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank != 0 && data[0] != 1) {
        fprintf(stderr, "rank %d: data[0] = %d (work %ld)\n", rank, data[0], work);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
