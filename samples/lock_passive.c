// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Passive-target synchronization on a window from MPI_Win_allocate:
//   1. a ticket counter on rank 0: MPI_Fetch_and_op under MPI_LOCK_SHARED,
//      MPI_Win_flush before each fetched value is read;
//   2. a one-time election with MPI_Compare_and_swap;
//   3. read-modify-write of a plain int under MPI_LOCK_EXCLUSIVE (Get, flush, Put);
//   4. MPI_Win_lock_all: Put to every rank, flush_local / flush_local_all to
//      reuse the origin buffer, flush_all before reading the data back.
// Each rank touches its own window memory only inside an exclusive lock on itself.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

enum { COUNTER = 0, LEADER = 1, TOTAL = 2, FROM = 4 };   // FROM + r, FROM + size + r: written by rank r
#define ROUNDS 3

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lock_passive: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int n = FROM + 2 * size, *base;
    MPI_Win win;
    MPI_Win_allocate(n * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    for (int i = 0; i < n; i++)
        base[i] = 0;
    base[LEADER] = -1;
    MPI_Win_unlock(rank, win);
    MPI_Barrier(MPI_COMM_WORLD);   // nobody accesses a window before it is initialised

    // 1 + 2: atomics on rank 0, concurrently from all ranks (shared lock).
    int one = 1, tickets[ROUNDS], me = rank, unclaimed = -1, previous;
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
    for (int k = 0; k < ROUNDS; k++) {
        MPI_Fetch_and_op(&one, &tickets[k], MPI_INT, 0, COUNTER, MPI_SUM, win);
        MPI_Win_flush(0, win);   // tickets[k] is defined only once the operation completed
    }
    MPI_Compare_and_swap(&me, &unclaimed, &previous, MPI_INT, 0, LEADER, win);
    MPI_Win_unlock(0, win);

    // 3: Get and Put of the same int are not ordered by program order: flush in between.
    int total;
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
    MPI_Get(&total, 1, MPI_INT, 0, TOTAL, 1, MPI_INT, win);
    MPI_Win_flush(0, win);
    total += rank + 1;
    MPI_Put(&total, 1, MPI_INT, 0, TOTAL, 1, MPI_INT, win);
    MPI_Win_unlock(0, win);

    // 4: everyone writes its own slots FROM+rank and FROM+size+rank on every rank.
    int v, *row = malloc(size * sizeof(int));
    MPI_Win_lock_all(0, win);
    for (int t = 0; t < size; t++) {
        v = rank * 100 + t;
        MPI_Put(&v, 1, MPI_INT, t, FROM + rank, 1, MPI_INT, win);
        MPI_Win_flush_local(t, win);   // v is reusable; the Put may still be in flight at t
    }
    for (int t = 0; t < size; t++) {
        row[t] = rank * 1000 + t;
        MPI_Put(&row[t], 1, MPI_INT, t, FROM + size + rank, 1, MPI_INT, win);
    }
    MPI_Win_flush_local_all(win);
    for (int t = 0; t < size; t++)
        row[t] = -1;
    MPI_Win_flush_all(win);   // the Puts are complete at their targets: read them back
    for (int t = 0; t < size; t++)
        MPI_Get(&row[t], 1, MPI_INT, t, FROM + size + rank, 1, MPI_INT, win);
    MPI_Win_unlock_all(win);  // completes the Gets
    for (int t = 0; t < size; t++)
        if (row[t] != rank * 1000 + t)
            fail("rank %d read back %d from rank %d", rank, row[t], t);

    // Collect the results of 1 and 2.
    int *all_tickets = malloc(ROUNDS * size * sizeof(int)), winner;
    MPI_Gather(tickets, ROUNDS, MPI_INT, all_tickets, ROUNDS, MPI_INT, 0, MPI_COMM_WORLD);
    int i_won = previous == -1 ? rank : -1;
    MPI_Allreduce(&i_won, &winner, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (previous != -1 && previous != winner)
        fail("rank %d saw leader %d, winner is %d", rank, previous, winner);

    MPI_Barrier(MPI_COMM_WORLD);   // all epochs on all windows are closed
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    for (int r = 0; r < size; r++)
        if (base[FROM + r] != r * 100 + rank || base[FROM + size + r] != r * 1000 + rank)
            fail("rank %d: slots of rank %d hold %d, %d", rank, r, base[FROM + r], base[FROM + size + r]);
    if (rank == 0) {
        if (base[COUNTER] != ROUNDS * size)
            fail("counter is %d, expected %d", base[COUNTER], ROUNDS * size);
        if (base[TOTAL] != size * (size + 1) / 2)
            fail("total is %d, expected %d", base[TOTAL], size * (size + 1) / 2);
        if (base[LEADER] != winner)
            fail("leader is %d, expected %d", base[LEADER], winner);
        int *seen = calloc(ROUNDS * size, sizeof(int));
        for (int i = 0; i < ROUNDS * size; i++) {
            int t = all_tickets[i];
            if (t < 0 || t >= ROUNDS * size || seen[t]++)
                fail("ticket %d handed out twice or out of range", t);
        }
        free(seen);
    }
    MPI_Win_unlock(rank, win);

    free(all_tickets);
    free(row);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("lock_passive: OK\n");
    MPI_Finalize();
    return 0;
}
