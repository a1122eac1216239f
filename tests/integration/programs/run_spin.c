/* Never ends: rank 0 spins at full speed outside MPI, the other ranks
 * wait in MPI_Recv (Open MPI's progress loop spins too), and rank 1
 * ignores SIGTERM. For the interruption tests: rmacheck must stop all of
 * them, by SIGKILL when SIGTERM is not enough. */
#include <mpi.h>
#include <signal.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, x = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 1) signal(SIGTERM, SIG_IGN);
  MPI_Barrier(MPI_COMM_WORLD); /* @barrier */
  if (rank == 0) {
    volatile unsigned long n = 0;
    for (;;) ++n; /* @spin */
  }
  MPI_Recv(&x, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE); /* @recv */
  MPI_Finalize();
  return 0;
}
