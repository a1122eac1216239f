// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Persistent point-to-point between rank pairs (0,1), (2,3), ...: the even rank
// holds one persistent send per mode (Send_init, Bsend_init, Ssend_init,
// Rsend_init), the odd rank four Recv_init. Every round restarts them (MPI_Start
// or MPI_Startall) and completes them with another Wait/Test flavour. The
// requests are freed (MPI_Request_free) only when inactive. At the end the odd
// rank posts an Irecv that nothing matches, cancels it and waits for it.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define MODES 4        // standard, buffered, synchronous, ready
#define LEN 8
#define FLAVOURS 8     // ways to complete a set of requests

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "persistent_p2p: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

static void start(MPI_Request *reqs, int round)
{
    if (round % 2)
        MPI_Startall(MODES, reqs);
    else
        for (int i = 0; i < MODES; i++)
            MPI_Start(&reqs[i]);
}

// Completed persistent requests become inactive (not MPI_REQUEST_NULL), and the
// *any/*some calls skip inactive requests, so each loop ends after MODES completions.
static void complete(MPI_Request *reqs, int flavour)
{
    int done = 0, flag = 0, idx, count, indices[MODES];
    switch (flavour) {
    case 0: MPI_Waitall(MODES, reqs, MPI_STATUSES_IGNORE); break;
    case 1: for (; done < MODES; done++) MPI_Waitany(MODES, reqs, &idx, MPI_STATUS_IGNORE); break;
    case 2:
        for (; done < MODES; done += count) MPI_Waitsome(MODES, reqs, &count, indices, MPI_STATUSES_IGNORE);
        break;
    case 3: while (!flag) MPI_Testall(MODES, reqs, &flag, MPI_STATUSES_IGNORE); break;
    case 4:
        while (done < MODES) {
            MPI_Testany(MODES, reqs, &idx, &flag, MPI_STATUS_IGNORE);
            done += flag;
        }
        break;
    case 5:
        for (; done < MODES; done += count) MPI_Testsome(MODES, reqs, &count, indices, MPI_STATUSES_IGNORE);
        break;
    case 6:
        for (int i = 0; i < MODES; i++)
            for (flag = 0; !flag;) MPI_Test(&reqs[i], &flag, MPI_STATUS_IGNORE);
        break;
    default: for (int i = 0; i < MODES; i++) MPI_Wait(&reqs[i], MPI_STATUS_IGNORE); break;
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size % 2)
        fail("needs an even number of ranks");
    int sender = rank % 2 == 0, partner = sender ? rank + 1 : rank - 1;

    int buf[MODES][LEN], bsend_size;
    MPI_Request reqs[MODES];
    void *bsend_buf = NULL;
    if (sender) {
        MPI_Pack_size(LEN, MPI_INT, MPI_COMM_WORLD, &bsend_size);
        bsend_size = 2 * (bsend_size + MPI_BSEND_OVERHEAD);
        bsend_buf = malloc(bsend_size);
        MPI_Buffer_attach(bsend_buf, bsend_size);
        MPI_Send_init(buf[0], LEN, MPI_INT, partner, 0, MPI_COMM_WORLD, &reqs[0]);
        MPI_Bsend_init(buf[1], LEN, MPI_INT, partner, 1, MPI_COMM_WORLD, &reqs[1]);
        MPI_Ssend_init(buf[2], LEN, MPI_INT, partner, 2, MPI_COMM_WORLD, &reqs[2]);
        MPI_Rsend_init(buf[3], LEN, MPI_INT, partner, 3, MPI_COMM_WORLD, &reqs[3]);
    } else {
        for (int m = 0; m < MODES; m++)
            MPI_Recv_init(buf[m], LEN, MPI_INT, partner, m, MPI_COMM_WORLD, &reqs[m]);
    }

    for (int round = 0; round < FLAVOURS; round++) {
        if (!sender)
            start(reqs, round);
        // A ready send is only correct if the matching receive is already
        // posted: the barrier orders every Recv start before every Rsend start.
        MPI_Barrier(MPI_COMM_WORLD);
        if (sender) {
            for (int m = 0; m < MODES; m++)
                for (int i = 0; i < LEN; i++)
                    buf[m][i] = round * 1000 + m * 100 + rank * 10 + i;
            start(reqs, round);
        }
        complete(reqs, sender ? round : (round + FLAVOURS / 2) % FLAVOURS);
        if (!sender)
            for (int m = 0; m < MODES; m++)
                for (int i = 0; i < LEN; i++)
                    if (buf[m][i] != round * 1000 + m * 100 + partner * 10 + i)
                        fail("rank %d round %d mode %d: got %d at %d", rank, round, m, buf[m][i], i);
    }
    for (int m = 0; m < MODES; m++) {
        MPI_Request_free(&reqs[m]);   // inactive here, so this is a plain free
        if (reqs[m] != MPI_REQUEST_NULL)
            fail("Request_free did not reset the handle");
    }

    if (!sender) {
        MPI_Request never;
        MPI_Status status;
        int cancelled, dummy;
        MPI_Irecv(&dummy, 1, MPI_INT, partner, 99, MPI_COMM_WORLD, &never);
        MPI_Cancel(&never);
        MPI_Wait(&never, &status);   // a cancelled request must still be completed
        MPI_Test_cancelled(&status, &cancelled);
        if (!cancelled)
            fail("rank %d: the unmatched receive was not cancelled", rank);
    } else {
        MPI_Buffer_detach(&bsend_buf, &bsend_size);   // waits for buffered messages
        free(bsend_buf);
    }

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("persistent_p2p: OK\n");
    MPI_Finalize();
    return 0;
}
