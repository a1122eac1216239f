/* Calls made again and again with the same arguments, and with arguments that change between
 * repetitions in every way the log's call templates must notice (log_format.h CALL_REPEAT):
 * tests/integration/repeat_records.py runs it with and without templates and compares the logs. */
#include <mpi.h>
#include <stdio.h>

#define N 50

/* Target displacements (ints) of a 32-int window: no two loops' accesses overlap in an epoch. */
static void rma_loops(MPI_Win win, int other, int* buf, int* got, MPI_Datatype type) {
  int result[3] = {0, 0, 0}, compare = 0;
  MPI_Win_lock_all(0, win);
  for (int i = 0; i < N; ++i) { /* the same Put and flush every time */
    MPI_Put(buf, 1, type, other, 0, 1, type, win);
    MPI_Win_flush(other, win);
  }
  for (int i = 0; i < N; ++i) { /* a new displacement every time */
    MPI_Put(buf, 1, type, other, 3 + i % 4, 1, type, win);
    MPI_Win_flush(other, win);
  }
  for (int i = 0; i < N; ++i) { /* a new origin, or both, every time */
    MPI_Get(&got[i % 4], 1, type, other, 14, 1, type, win);
    MPI_Win_flush_local(other, win);
    MPI_Put(&buf[i % 2], 1, type, other, 9 + i % 3, 1, type, win);
    MPI_Win_flush(other, win);
  }
  for (int i = 0; i < N; ++i) { /* one argument alternates */
    MPI_Accumulate(buf, 1, type, other, 17, 1, type, i % 2 ? MPI_SUM : MPI_MAX, win);
    MPI_Fetch_and_op(buf, &result[0], MPI_INT, other, 20, MPI_SUM, win);
    MPI_Compare_and_swap(buf, &compare, &result[1], MPI_INT, other, 21, win);
    MPI_Get_accumulate(buf, 1, MPI_INT, &result[2], 1, MPI_INT, other, 22, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_flush_all(win);
  }
  for (int i = 0; i < N; ++i) { /* the same call from two places */
    if (i % 2)
      MPI_Win_flush(other, win);
    else
      MPI_Win_flush(other, win);
  }
  MPI_Win_unlock_all(win);
  for (int i = 0; i < N; ++i) {
    MPI_Win_lock(MPI_LOCK_SHARED, other, 0, win);
    MPI_Put(buf, 1, type, other, 23, 1, type, win);
    MPI_Win_unlock(other, win);
  }
  for (int i = 0; i < N; ++i) {
    MPI_Win_fence(0, win);
    if (i % 5 == 0) MPI_Put(buf, 1, type, other, 27, 1, type, win);
  }
  MPI_Win_fence(0, win);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int other = (rank + 1) % size;
  int buf[8] = {1, 2, 3, 4, 5, 6, 7, 8}, got[8];

  /* Windows and datatypes freed and made again: a new window or type may get the old handle, and the
   * same arguments then name another object. */
  for (int round = 0; round < 3; ++round) {
    int* base;
    MPI_Win win;
    MPI_Win_allocate(32 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    MPI_Datatype type;
    MPI_Type_contiguous(round + 1, MPI_INT, &type); /* a new layout each round */
    MPI_Type_commit(&type);
    rma_loops(win, other, buf, got, round == 0 ? MPI_INT : type);
    MPI_Type_free(&type);
    MPI_Win_free(&win);
  }

  /* Point-to-point and collectives with the same arguments, on communicators made and freed. */
  for (int round = 0; round < 3; ++round) {
    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    for (int i = 0; i < N; ++i) {
      if (rank == 0) {
        MPI_Send(buf, 1, MPI_INT, 1, 5, comm);
      } else if (rank == 1) {
        MPI_Recv(&got[1], 1, MPI_INT, 0, 5, comm, MPI_STATUS_IGNORE);
      }
      MPI_Barrier(comm);
      MPI_Bcast(buf, 2, MPI_INT, round % size, comm);
      MPI_Allreduce(MPI_IN_PLACE, &buf[2], 1, MPI_INT, MPI_MAX, comm);
    }
    MPI_Comm_free(&comm);
  }
  /* Requests (format 6: compared field by field, outputs repeated by the exit word): persistent ones
   * started again and again, freed and made again (a new request may get the old handle); nonblocking
   * ones, whose ids grow and whose tags change. */
  const int peer = size > 1 ? 1 - rank : rank;
  for (int round = 0; round < 3; ++round) {
    MPI_Request ps[2];
    MPI_Send_init(&buf[4], 1, MPI_INT, peer, 7, MPI_COMM_WORLD, &ps[0]);
    MPI_Recv_init(&got[4], 1, MPI_INT, peer, 7, MPI_COMM_WORLD, &ps[1]);
    for (int i = 0; i < N; ++i) {
      MPI_Start(&ps[1]);
      MPI_Start(&ps[0]);
      MPI_Wait(&ps[0], MPI_STATUS_IGNORE);
      MPI_Status st;
      MPI_Wait(&ps[1], &st);
    }
    for (int i = 0; i < N; ++i) {
      MPI_Startall(2, ps);
      MPI_Waitall(2, ps, MPI_STATUSES_IGNORE);
    }
    MPI_Request_free(&ps[0]);
    MPI_Request_free(&ps[1]);
    for (int i = 0; i < N; ++i) {
      MPI_Request r[2];
      MPI_Irecv(&got[5], 1, MPI_INT, MPI_ANY_SOURCE, i % 3 ? 8 : 9, MPI_COMM_WORLD, &r[0]);
      MPI_Isend(&buf[5], 1, MPI_INT, peer, i % 3 ? 8 : 9, MPI_COMM_WORLD, &r[1]);
      if (i % 2) { /* (no Test or Waitany: what they return depends on timing, and the runs must match) */
        MPI_Wait(&r[1], MPI_STATUS_IGNORE);
        MPI_Wait(&r[0], MPI_STATUS_IGNORE);
      } else {
        MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
      }
    }
  }
  if (rank == 0) printf("repeat_calls done\n");
  MPI_Finalize();
  return 0;
}
