// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=accumulate,accumulate2 ranks=0,2
// rmacheck-lint-expect: none
//
// Two origins update one integer of rank 1 concurrently with different
// reduction ops. Accumulates are element-wise atomic only with each other's
// op (or MPI_NO_OP) under the default window info accumulate_ops =
// same_op_no_op (MPI-3.1 11.2.1); with MPI_SUM and MPI_MAX the result is
// undefined. The fix: one op for all concurrent updates (or set the info key
// accumulate_ops to "same_op" only where that is what happens), or separate
// the updates by a fence.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  int counter = 0;
  int one = 1, high = 100;
  MPI_Win win;
  MPI_Win_create(&counter, sizeof counter, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

  MPI_Win_lock_all(0, win);
  if (rank == 0) {
    // rank 0 counts events...
    MPI_Accumulate(&one, 1, MPI_INT, 1, 0, 1, MPI_INT, MPI_SUM, win);  // @accumulate
  } else if (rank == 2) {
    MPI_Accumulate(&high, 1, MPI_INT, 1, 0, 1, MPI_INT, MPI_MAX, win);  // @accumulate2 ...while rank 2 raises a high-water mark
  }
  MPI_Win_unlock_all(win);

  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 1) printf("counter = %d\n", counter);
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
