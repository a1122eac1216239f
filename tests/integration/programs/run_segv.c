/* Rank 1 dies by SIGSEGV after a fence; mpirun then stops rank 0. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, buf = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Win win;
  MPI_Win_create(&buf, sizeof buf, sizeof buf, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
  MPI_Win_fence(0, win); /* @fence */
  if (rank == 1) {
    volatile int* p = NULL;
    *p = 1; /* @crash */
  }
  MPI_Win_fence(0, win);
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
