/* A race the program's authors accept, suppressed by a comment in the source
 * (tests/integration/report_cases.py): ranks 0 and 1 Put into the same bytes
 * of rank 2's window in one fence epoch. */
#include <mpi.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int* base;
  MPI_Win win;
  MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
  int v = rank;
  MPI_Win_fence(0, win);
  /* rmacheck-suppress: rma-conflict (any of the two values will do) @comment */
  if (rank < 2) MPI_Put(&v, 1, MPI_INT, 2, 0, 1, MPI_INT, win); /* @put */
  MPI_Win_fence(0, win);
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
