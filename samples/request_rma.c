// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Request-based RMA inside one MPI_Win_lock_all epoch:
//   MPI_Rput           a message into the right neighbour's INBOX slot,
//   MPI_Rget           the left neighbour's read-only ID slot,
//   MPI_Raccumulate    (MPI_SUM) into SUM on rank 0,
//   MPI_Rget_accumulate (MPI_SUM, fetching) a ticket from TICKET on rank 0.
// Completing a request (MPI_Waitall here) completes the operation at the origin
// only: origin buffers are reusable and fetched data readable. Completion at
// the target needs MPI_Win_flush_all / MPI_Win_unlock_all.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

enum { ID = 0, INBOX = 1, SUM = 2, TICKET = 3, NSLOTS = 4 };

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "request_rma: ");
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
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    // Initialised before the (collective) window creation, so before any access.
    int slots[NSLOTS] = {rank * 7 + 1, -1, 0, 0};
    MPI_Win win;
    MPI_Win_create(slots, sizeof slots, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int out = rank * 10 + 1, id_of_left = -1, contrib = rank + 1, one = 1, ticket = -1;
    MPI_Request req[4];
    MPI_Win_lock_all(0, win);
    MPI_Rput(&out, 1, MPI_INT, right, INBOX, 1, MPI_INT, win, &req[0]);
    MPI_Rget(&id_of_left, 1, MPI_INT, left, ID, 1, MPI_INT, win, &req[1]);
    MPI_Raccumulate(&contrib, 1, MPI_INT, 0, SUM, 1, MPI_INT, MPI_SUM, win, &req[2]);
    MPI_Rget_accumulate(&one, 1, MPI_INT, &ticket, 1, MPI_INT, 0, TICKET, 1, MPI_INT, MPI_SUM,
                        win, &req[3]);
    MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
    if (id_of_left != left * 7 + 1)
        fail("rank %d: Rget returned %d, expected %d", rank, id_of_left, left * 7 + 1);
    out = contrib = -1;       // legal: the requests are complete at the origin
    MPI_Win_flush_all(win);   // ... and now at the targets too
    MPI_Win_unlock_all(win);

    int *tickets = malloc(size * sizeof(int));
    MPI_Gather(&ticket, 1, MPI_INT, tickets, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);   // every rank has closed its epoch

    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    if (slots[INBOX] != left * 10 + 1)
        fail("rank %d: inbox holds %d, expected %d", rank, slots[INBOX], left * 10 + 1);
    if (rank == 0) {
        if (slots[SUM] != size * (size + 1) / 2 || slots[TICKET] != size)
            fail("sum %d (expected %d), ticket counter %d (expected %d)", slots[SUM],
                 size * (size + 1) / 2, slots[TICKET], size);
        int seen = 0;   // bit mask of the tickets handed out: must be 0..size-1 once each
        for (int r = 0; r < size; r++) {
            if (tickets[r] < 0 || tickets[r] >= size || (seen & (1 << tickets[r])))
                fail("bad ticket %d for rank %d", tickets[r], r);
            seen |= 1 << tickets[r];
        }
    }
    MPI_Win_unlock(rank, win);

    free(tickets);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("request_rma: OK\n");
    MPI_Finalize();
    return 0;
}
