/* A correct program: fence epochs with Puts into the right neighbour, one
 * message round, everything freed. Used by the plain LD_PRELOAD route, the
 * damaged-log and the report-format tests. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int* base;
  MPI_Win win;
  MPI_Win_allocate(8 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
  int right = (rank + 1) % size, left = (rank + size - 1) % size;
  for (int i = 0; i < 8; ++i) {
    int v = rank * 10 + i;
    MPI_Win_fence(0, win);
    MPI_Put(&v, 1, MPI_INT, right, i, 1, MPI_INT, win); /* @put */
    MPI_Win_fence(0, win);
  }
  int token = rank, got = -1;
  MPI_Sendrecv(&token, 1, MPI_INT, right, 3, &got, 1, MPI_INT, left, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (got != left || base[7] != left * 10 + 7) {
    fprintf(stderr, "clean_fence: rank %d got %d / %d\n", rank, got, base[7]);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
