/* Rank 1 gives up with MPI_Abort(MPI_COMM_WORLD, 42) after a collective and
 * a barrier; Open MPI then kills every rank. The report must show the
 * MPI_Abort call, its line and its error code. */
#include <mpi.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, x;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  x = rank;
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD); /* @allreduce */
  MPI_Barrier(MPI_COMM_WORLD);                                         /* @barrier */
  if (rank == 1) MPI_Abort(MPI_COMM_WORLD, 42);                        /* @abort */
  MPI_Barrier(MPI_COMM_WORLD);                                         /* @after */
  MPI_Finalize();
  return 0;
}
