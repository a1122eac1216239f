/* Rank 1 kills itself with SIGKILL (as the OOM killer or a scheduler would)
 * after a few Put/fence rounds. What it logged before the kill must survive,
 * and the report must say where rank 1 stopped. Markers (@name) in comments
 * are the lines the test checks. */
#include <mpi.h>
#include <signal.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int* base;
  MPI_Win win;
  MPI_Win_allocate(16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
  MPI_Win_fence(0, win);
  for (int i = 0; i < 5; ++i) {
    int v = rank * 100 + i;
    MPI_Put(&v, 1, MPI_INT, (rank + 1) % size, i, 1, MPI_INT, win); /* @put */
    MPI_Win_fence(0, win);                                           /* @fence */
  }
  if (rank == 1) raise(SIGKILL); /* @kill */
  MPI_Win_fence(0, win);         /* @after */
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
