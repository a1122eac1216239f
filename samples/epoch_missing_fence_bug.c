// rmacheck-sample: ranks=4 timeout=30 complete=false exit=47
// rmacheck-sample[mpich]: skip=MPICH aborts every rank in its MPI_Put (MPI_ERR_RMA_SYNC, exit(50)), but Hydra SIGKILLs the job as soon as the first rank reports its abort, sometimes before any rank's exit() or Abort line is out: the mpi-error finding was missing in 1 of 14 runs
// rmacheck-expect: missing-epoch at=put
// rmacheck-expect: mpi-error at=put
// rmacheck-expect: program-failed at=put
// rmacheck-lint-expect: missing-epoch at=put
//
// Ring exchange: every rank puts a value into the inbox of its right
// neighbour. The MPI_Win_fence that should open the access epoch is missing,
// so the Put is issued outside any epoch. Open MPI notices and aborts the job
// (MPI_ERR_RMA_SYNC under the window's default MPI_ERRORS_ARE_FATAL); the
// logs still hold the call every rank died in, and rmacheck explains it.
// Fixed twin: epoch_missing_fence_fixed.c.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *inbox;
    MPI_Win win;
    MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &inbox, &win);
    *inbox = -1;

    int value = rank * 10;
    // BUG: no MPI_Win_fence(MPI_MODE_NOPRECEDE, win) before the first RMA call.
    MPI_Put(&value, 1, MPI_INT, right, 0, 1, MPI_INT, win);  // @put
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (*inbox != left * 10)
        fprintf(stderr, "rank %d: inbox holds %d, expected %d\n", rank, *inbox, left * 10);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("epoch_missing_fence: done\n");
    MPI_Finalize();
    return 0;
}
