// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// A dynamic window: every rank allocates N ints, attaches all N * sizeof(int)
// bytes and publishes their address; its left neighbour then writes the
// last int. Fixed twin of epoch_dynamic_unattached_bug.c.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define N 8

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *buf = malloc(N * sizeof(int));
    for (int i = 0; i < N; i++)
        buf[i] = -1;
    MPI_Win win;
    MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Win_attach(win, buf, N * sizeof(int));
    MPI_Aint mine, *addrs = malloc(size * sizeof(MPI_Aint));
    MPI_Get_address(buf, &mine);
    MPI_Allgather(&mine, 1, MPI_AINT, addrs, 1, MPI_AINT, MPI_COMM_WORLD);

    int value = rank;
    MPI_Win_lock_all(0, win);
    MPI_Put(&value, 1, MPI_INT, right, MPI_Aint_add(addrs[right], (N - 1) * sizeof(int)), 1, MPI_INT, win);
    MPI_Win_unlock_all(win);

    MPI_Barrier(MPI_COMM_WORLD);   // every Put is complete; nobody accesses buf any more
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    int last = buf[N - 1];
    MPI_Win_unlock(rank, win);
    if (last != left)
        MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Win_detach(win, buf);
    MPI_Win_free(&win);
    free(addrs);
    free(buf);
    if (rank == 0)
        printf("epoch_dynamic_unattached_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
