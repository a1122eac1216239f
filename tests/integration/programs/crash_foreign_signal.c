/* SIGTERM on a thread rmacheck never saw. A process-directed signal may land on any thread that
 * does not block it, also on one a library started before MPI_Init (MPICH's and libfabric's
 * threads are such); that thread's stack says nothing of the program. Each rank here sends the
 * signal to such a thread itself, then computes: the stop note must come from the thread that
 * initialized MPI and show the line where it computes, not the helper's pause(). */
#define _GNU_SOURCE
#include <mpi.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t helper_tid;

static void* helper(void* arg) {
  (void)arg;
  helper_tid = (pid_t)syscall(SYS_gettid);
  for (;;) pause(); /* @helper */
  return 0;
}

int main(int argc, char** argv) {
  pthread_t t;
  pthread_create(&t, 0, helper, 0);
  while (!helper_tid) usleep(1000);
  MPI_Init(&argc, &argv);
  MPI_Barrier(MPI_COMM_WORLD); /* @barrier */
  syscall(SYS_tgkill, getpid(), helper_tid, SIGTERM); for (volatile unsigned long i = 0;; ++i) { } /* @compute */
  MPI_Finalize();
  return 0;
}
