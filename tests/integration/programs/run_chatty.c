/* A correct program that talks: every rank prints lines on stdout (one of
 * them looks like the start of a JSON document) and on stderr. A report on
 * stdout must stay a document of its own. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size, buf = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  printf("{\"rank\": %d, \"hello\": \"from the program\"}\n", rank);
  printf("rank %d of %d says hello on stdout\n", rank, size);
  fflush(stdout);
  fprintf(stderr, "rank %d says hello on stderr\n", rank);
  MPI_Win win;
  MPI_Win_create(&buf, sizeof buf, sizeof buf, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
  MPI_Win_fence(0, win);
  int one = rank;
  MPI_Put(&one, 1, MPI_INT, (rank + 1) % size, 0, 1, MPI_INT, win);
  MPI_Win_fence(0, win);
  MPI_Win_free(&win);
  printf("rank %d done\n", rank);
  MPI_Finalize();
  return 0;
}
