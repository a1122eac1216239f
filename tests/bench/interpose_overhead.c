/* Cost of rmacheck's interposition on the hottest MPI calls, on 2 ranks.
 *
 *   interpose_overhead put      ITERS REPS  MPI_Put + MPI_Win_flush to the other
 *                                           rank, inside one lock_all epoch
 *   interpose_overhead halo     ITERS REPS  the same, the same Put every iteration (one
 *                                           buffer to one place, as a halo exchange does)
 *   interpose_overhead halo2    ITERS REPS  two Puts from two lines (to the left and the right
 *                                           halo: two places, two displacements) + one flush
 *   interpose_overhead get      ITERS REPS  MPI_Get + MPI_Win_flush, the same way
 *   interpose_overhead acc      ITERS REPS  MPI_Accumulate (MPI_SUM) + MPI_Win_flush
 *   interpose_overhead fence    ITERS REPS  MPI_Put + MPI_Win_fence: one fence epoch
 *                                           per iteration (the fence synchronizes
 *                                           both ranks: latency bound)
 *   interpose_overhead start    ITERS REPS  MPI_Start + MPI_Wait on a persistent
 *                                           receive and a persistent send, each
 *                                           rank with itself (no cross-rank wait:
 *                                           stable numbers)
 *   interpose_overhead pingpong ITERS REPS  MPI_Start + MPI_Wait on persistent
 *                                           send/recv pairs between the 2 ranks
 *                                           (latency bound: noisier)
 *   interpose_overhead isend    ITERS REPS  MPI_Irecv + MPI_Isend + MPI_Waitall
 *                                           of each rank with itself (a request
 *                                           made and completed per call pair)
 *
 * Each repetition times ITERS iterations after a barrier; the slowest rank's
 * time counts. Prints "calls_per_iter K" (MPI calls per iteration per rank),
 * one line per repetition, "rep R ns_per_iter X cpu_ns_per_iter C" (C: CPU time of the
 * thread, the slowest rank's), then
 * "calls_logged_per_rank N" (every MPI call the program made, for
 * bytes-per-event). Run it with and without LD_PRELOAD=librmacheck.so: see
 * run_interpose_overhead.sh. Not a test: nothing is asserted. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static double now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
/* CPU time of the calling thread: what the calls cost when the machine is shared (wall time then
 * mostly measures the other jobs). */
static double cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const char* mode = argc > 1 ? argv[1] : "";
  const int halo_mode = strcmp(mode, "halo") == 0, halo2_mode = strcmp(mode, "halo2") == 0,
            put_mode = strcmp(mode, "put") == 0 || halo_mode || halo2_mode,
            get_mode = strcmp(mode, "get") == 0, acc_mode = strcmp(mode, "acc") == 0,
            fence_mode = strcmp(mode, "fence") == 0, self_mode = strcmp(mode, "start") == 0,
            pingpong = strcmp(mode, "pingpong") == 0, isend_mode = strcmp(mode, "isend") == 0;
  const int lock_mode = put_mode || get_mode || acc_mode, win_mode = lock_mode || fence_mode;
  if (argc < 4 || size != 2 || !(win_mode || self_mode || pingpong || isend_mode)) {
    if (rank == 0)
      fprintf(stderr, "usage: mpirun -n 2 %s put|halo|halo2|get|acc|fence|start|pingpong|isend ITERS REPS\n", argv[0]);
    MPI_Finalize();
    return 2;
  }
  const long iters = atol(argv[2]);
  const int reps = atoi(argv[3]);
  const int other = 1 - rank;
  const int calls_per_iter = halo2_mode ? 3 : win_mode ? 2 : isend_mode ? 3 : 4;
  long calls = 3; /* Init, Finalize, and the Barrier below */

  MPI_Win win = MPI_WIN_NULL;
  MPI_Request sreq = MPI_REQUEST_NULL, rreq = MPI_REQUEST_NULL;
  int* base = NULL;
  int value = rank, slot = 0;
  if (win_mode) {
    MPI_Win_allocate(64 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    if (lock_mode) MPI_Win_lock_all(0, win);
    if (fence_mode) MPI_Win_fence(0, win);
    calls += 2;
  } else if (!isend_mode) {
    const int peer = self_mode ? rank : other;
    MPI_Send_init(&value, 1, MPI_INT, peer, 5, MPI_COMM_WORLD, &sreq);
    MPI_Recv_init(&slot, 1, MPI_INT, peer, 5, MPI_COMM_WORLD, &rreq);
    calls += 2;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) printf("calls_per_iter %d\n", calls_per_iter);

  for (int r = -1; r < reps; ++r) { /* r = -1: warm-up, not printed */
    const long n = r < 0 ? iters / 10 : iters;
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = now_ns(), c0 = cpu_ns();
    if (halo2_mode) {
      for (long i = 0; i < n; ++i) {
        MPI_Put(&value, 1, MPI_INT, other, 0, 1, MPI_INT, win);
        MPI_Put(&slot, 1, MPI_INT, other, 63, 1, MPI_INT, win);
        MPI_Win_flush(other, win);
      }
    } else if (put_mode) {
      const long step = halo_mode ? 0 : 1;
      for (long i = 0; i < n; ++i) {
        MPI_Put(&value, 1, MPI_INT, other, (int)((i * step) & 63), 1, MPI_INT, win);
        MPI_Win_flush(other, win);
      }
    } else if (get_mode) {
      for (long i = 0; i < n; ++i) {
        MPI_Get(&slot, 1, MPI_INT, other, (int)(i & 63), 1, MPI_INT, win);
        MPI_Win_flush(other, win);
      }
    } else if (acc_mode) {
      for (long i = 0; i < n; ++i) {
        MPI_Accumulate(&value, 1, MPI_INT, other, (int)(i & 63), 1, MPI_INT, MPI_SUM, win);
        MPI_Win_flush(other, win);
      }
    } else if (fence_mode) {
      for (long i = 0; i < n; ++i) {
        MPI_Put(&value, 1, MPI_INT, other, (int)(i & 63), 1, MPI_INT, win);
        MPI_Win_fence(0, win);
      }
    } else if (isend_mode) {
      MPI_Request reqs[2];
      for (long i = 0; i < n; ++i) {
        MPI_Irecv(&slot, 1, MPI_INT, rank, 6, MPI_COMM_WORLD, &reqs[0]);
        MPI_Isend(&value, 1, MPI_INT, rank, 6, MPI_COMM_WORLD, &reqs[1]);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
      }
    } else if (self_mode || rank == 1) {
      /* self: receive posted first, then the send it matches; pingpong rank 1: receive, then answer */
      for (long i = 0; i < n; ++i) {
        MPI_Start(&rreq);
        if (self_mode) MPI_Start(&sreq);
        MPI_Wait(&rreq, MPI_STATUS_IGNORE);
        if (!self_mode) MPI_Start(&sreq);
        MPI_Wait(&sreq, MPI_STATUS_IGNORE);
      }
    } else {
      for (long i = 0; i < n; ++i) {
        MPI_Start(&sreq);
        MPI_Wait(&sreq, MPI_STATUS_IGNORE);
        MPI_Start(&rreq);
        MPI_Wait(&rreq, MPI_STATUS_IGNORE);
      }
    }
    double mine[2] = {(now_ns() - t0) / (double)n, (cpu_ns() - c0) / (double)n}, slowest[2] = {0, 0};
    MPI_Reduce(mine, slowest, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    calls += calls_per_iter * n + 2; /* the loop, the Barrier and the Reduce */
    if (rank == 0 && r >= 0) printf("rep %d ns_per_iter %.1f cpu_ns_per_iter %.1f\n", r, slowest[0], slowest[1]);
  }

  if (win_mode) {
    if (lock_mode) MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    calls += 2 - fence_mode;
  } else if (!isend_mode) {
    MPI_Request_free(&sreq);
    MPI_Request_free(&rreq);
    calls += 2;
  }
  if (rank == 0) printf("calls_logged_per_rank %ld\n", calls);
  fflush(stdout);
  MPI_Finalize();
  return 0;
}
