/* A correct program that logs far more than a small filesystem holds: a
 * lock_all epoch with many Put+flush rounds into the right neighbour. Run
 * with its log directory on a full tmpfs, it must finish normally (no SIGBUS
 * from the log's mapping) and say so on stdout. argv[1]: rounds. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size, rounds = argc > 1 ? atoi(argv[1]) : 20000;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int* base;
  MPI_Win win;
  MPI_Win_allocate(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
  *base = -1;
  MPI_Barrier(MPI_COMM_WORLD);
  int right = (rank + 1) % size;
  MPI_Win_lock_all(0, win);
  for (int i = 0; i < rounds; ++i) {
    int v = rank;
    MPI_Put(&v, 1, MPI_INT, right, 0, 1, MPI_INT, win);
    MPI_Win_flush(right, win);
  }
  MPI_Win_unlock_all(win);
  MPI_Barrier(MPI_COMM_WORLD);
  int left = (rank + size - 1) % size;
  if (*base != left) {
    fprintf(stderr, "run_disk_full: rank %d got %d\n", rank, *base);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  MPI_Win_free(&win);
  printf("run_disk_full: rank %d done\n", rank);
  MPI_Finalize();
  return 0;
}
