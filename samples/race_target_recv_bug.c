// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: target-local-conflict at=put,recv ranks=0,1
// rmacheck-lint-expect: none
//
// Rank 0 puts a block into rank 1's window while rank 1, in the same fence
// epoch, receives a message from rank 2 into the same window memory. The
// Put may land before or after the receive writes the bytes: the result
// depends on timing. The target's own accesses to its window are only
// safe outside the epochs in which others may access those bytes.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  int cells[8] = {0};
  int block[4] = {1, 2, 3, 4};
  int update[4] = {5, 6, 7, 8};
  MPI_Win win;
  MPI_Win_create(cells, sizeof cells, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

  MPI_Win_fence(0, win);
  if (rank == 2) {
    MPI_Send(update, 4, MPI_INT, 1, 0, MPI_COMM_WORLD);
  }
  if (rank == 0) {
    // Rank 0 writes cells[2..6) of rank 1.
    MPI_Put(block, 4, MPI_INT, 1, 2, 4, MPI_INT, win);  // @put
  } else if (rank == 1) {
    MPI_Recv(cells, 4, MPI_INT, 2, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);  // @recv cells[0..4): overlaps
  }
  MPI_Win_fence(0, win);

  if (rank == 1) printf("cells[2] = %d (1 or 3, depending on timing)\n", cells[2]);
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
