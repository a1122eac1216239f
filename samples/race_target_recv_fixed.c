// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// The fixed twin of race_target_recv_bug.c: rank 1 receives into its window
// memory only after the closing fence, when rank 0's Put has completed.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  int cells[8] = {0};
  int block[4] = {1, 2, 3, 4};
  int update[4] = {5, 6, 7, 8};
  MPI_Win win;
  MPI_Win_create(cells, sizeof cells, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

  MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
  if (rank == 0) MPI_Put(block, 4, MPI_INT, 1, 2, 4, MPI_INT, win);
  MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

  // Outside any epoch: the window memory is the target's own again.
  if (rank == 2) MPI_Send(update, 4, MPI_INT, 1, 0, MPI_COMM_WORLD);
  if (rank == 1) {
    MPI_Recv(cells, 4, MPI_INT, 2, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (cells[2] != 7 || cells[5] != 4) {
      fprintf(stderr, "race_target_recv_fixed: wrong data %d %d\n", cells[2], cells[5]);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
