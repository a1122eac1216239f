/* Two bugs whose report needs context (tests/integration/report_cases.py):
 * ranks 0 and 2 write the same bytes of rank 1's window in one fence epoch,
 * from inside the helper put_block() (the caller chain matters), and rank 0
 * sends from the buffer of a persistent receive it has started but not yet
 * completed (which request matters). Built twice: with -g, and without debug
 * information (report_context_nodebug). */
#include <mpi.h>

static void put_block(MPI_Win win, const int* src, int target) {
  MPI_Put(src, 4, MPI_INT, target, 2, 4, MPI_INT, win); /* @put */
}

static void exchange(MPI_Win win, int rank) {
  int src[4] = {rank, rank, rank, rank};
  if (rank != 1) put_block(win, src, 1); /* @call */
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int* base;
  MPI_Win win;
  MPI_Win_allocate(16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win); /* @create */
  MPI_Win_fence(0, win);                                                                         /* @open */
  exchange(win, rank);                                                                           /* @exchange */
  MPI_Win_fence(0, win);                                                                         /* @close */

  int rbuf[4] = {0}, x[4] = {1, 2, 3, 4};
  if (rank == 0) {
    MPI_Request req;
    MPI_Recv_init(rbuf, 4, MPI_INT, 2, 7, MPI_COMM_WORLD, &req); /* @recv_init */
    MPI_Start(&req);                                             /* @start */
    MPI_Send(rbuf, 4, MPI_INT, 2, 8, MPI_COMM_WORLD);            /* @send BUG: the pending receive writes rbuf */
    MPI_Wait(&req, MPI_STATUS_IGNORE);                           /* @wait */
    MPI_Request_free(&req);
  } else if (rank == 2) {
    MPI_Recv(rbuf, 4, MPI_INT, 0, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(x, 4, MPI_INT, 0, 7, MPI_COMM_WORLD);
  }
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
