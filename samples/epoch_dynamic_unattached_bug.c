// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: invalid-rma-arg at=put
// rmacheck-lint-expect: none
//
// A dynamic window: every rank allocates N ints, attaches them and publishes
// their address; its left neighbour then writes the last int. MPI_Win_attach
// is given the number of elements where it expects bytes, so only the first
// N bytes are attached and the Put lands outside every region the target
// attached. Open MPI 4.1 does not notice; an implementation that checks
// returns MPI_ERR_RMA_RANGE (hence MPI_ERRORS_RETURN on the window).
// Fixed twin: epoch_dynamic_unattached_fixed.c.
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
    int right = (rank + 1) % size;

    int *buf = malloc(N * sizeof(int));
    for (int i = 0; i < N; i++)
        buf[i] = -1;
    MPI_Win win;
    MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    MPI_Win_attach(win, buf, N);   // BUG: N bytes, not N ints
    MPI_Aint mine, *addrs = malloc(size * sizeof(MPI_Aint));
    MPI_Get_address(buf, &mine);
    MPI_Allgather(&mine, 1, MPI_AINT, addrs, 1, MPI_AINT, MPI_COMM_WORLD);

    int value = rank;
    MPI_Win_lock_all(0, win);
    int rc = MPI_Put(&value, 1, MPI_INT, right, MPI_Aint_add(addrs[right], (N - 1) * sizeof(int)), 1, MPI_INT, win);  // @put
    MPI_Win_unlock_all(win);
    if (rc != MPI_SUCCESS)
        fprintf(stderr, "rank %d: MPI_Put failed (error %d)\n", rank, rc);

    MPI_Barrier(MPI_COMM_WORLD);   // nobody accesses buf any more
    MPI_Win_detach(win, buf);
    MPI_Win_free(&win);
    free(addrs);
    free(buf);
    MPI_Finalize();
    return 0;
}
