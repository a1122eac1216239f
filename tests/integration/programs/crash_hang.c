/* A deadlock: rank 0 waits for a message rank 1 never sends. Rank 1 goes on
 * to MPI_Finalize (where it blocks, waiting for rank 0), rank 2 computes
 * forever outside MPI. Run with --timeout: the report must name rank 0 in
 * MPI_Recv, rank 1 in MPI_Finalize, and rank 2 as not inside MPI. */
#include <mpi.h>
#include <unistd.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, x = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Barrier(MPI_COMM_WORLD); /* @barrier */
  if (rank == 0) {
    MPI_Recv(&x, 1, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE); /* @recv */
  } else if (rank == 2) {
    for (;;) sleep(1); /* @compute */
  }
  MPI_Finalize(); /* @finalize */
  return 0;
}
