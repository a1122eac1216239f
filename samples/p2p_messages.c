// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Blocking and nonblocking point-to-point in every send mode, plus the probe
// family, each phase on its own tag so that MPI_ANY_SOURCE receives cannot
// match a message of another phase:
//   ring shifts with MPI_Sendrecv and MPI_Sendrecv_replace;
//   variable-length messages to rank 0: MPI_Send  -> MPI_Probe + MPI_Recv,
//                                       MPI_Ssend -> MPI_Mprobe + MPI_Mrecv,
//                                       MPI_Isend -> MPI_Improbe + MPI_Imrecv,
//                                       MPI_Issend -> MPI_Iprobe + MPI_Recv;
//   ring shifts with MPI_Bsend (attached buffer) and MPI_Rsend (receive posted
//   with MPI_Irecv before a barrier).
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

enum { T_SENDRECV = 1, T_PROBE, T_MPROBE, T_IMPROBE, T_IPROBE, T_BSEND, T_RSEND };

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "p2p_messages: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

// Rank 0 receives one message of `tag` from every other rank, in arrival order
// (MPI_ANY_SOURCE), the sizes learned by probing; message from r holds r+1 ints r*10+i.
static void gather_probed(int tag, int size)
{
    for (int k = 1; k < size; k++) {
        MPI_Status st;
        MPI_Message msg;
        MPI_Request req;
        int flag = 0, n, buf[64];
        switch (tag) {
        case T_PROBE: MPI_Probe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &st); break;
        case T_MPROBE: MPI_Mprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &msg, &st); break;
        case T_IMPROBE: while (!flag) MPI_Improbe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &flag, &msg, &st); break;
        default: while (!flag) MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &flag, &st); break;
        }
        MPI_Get_count(&st, MPI_INT, &n);
        int src = st.MPI_SOURCE;
        if (n != src + 1)
            fail("tag %d: message from %d has %d ints", tag, src, n);
        if (tag == T_MPROBE) {
            MPI_Mrecv(buf, n, MPI_INT, &msg, MPI_STATUS_IGNORE);   // exactly the probed message
        } else if (tag == T_IMPROBE) {
            MPI_Imrecv(buf, n, MPI_INT, &msg, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(buf, n, MPI_INT, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        for (int i = 0; i < n; i++)
            if (buf[i] != src * 10 + i)
                fail("tag %d: message from %d holds %d at %d", tag, src, buf[i], i);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    if (size > 64)
        fail("at most 64 ranks");

    int got, val = rank;
    MPI_Sendrecv(&val, 1, MPI_INT, right, T_SENDRECV, &got, 1, MPI_INT, left, T_SENDRECV,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Sendrecv_replace(&val, 1, MPI_INT, left, T_SENDRECV, right, T_SENDRECV, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
    if (got != left || val != right)
        fail("rank %d: ring shifts gave %d and %d", rank, got, val);

    int mine[64];
    for (int i = 0; i <= rank; i++)
        mine[i] = rank * 10 + i;
    for (int tag = T_PROBE; tag <= T_IPROBE; tag++) {
        if (rank == 0) {
            gather_probed(tag, size);
        } else if (tag == T_PROBE) {
            MPI_Send(mine, rank + 1, MPI_INT, 0, tag, MPI_COMM_WORLD);
        } else if (tag == T_MPROBE) {
            MPI_Ssend(mine, rank + 1, MPI_INT, 0, tag, MPI_COMM_WORLD);
        } else {
            MPI_Request req;
            if (tag == T_IMPROBE)
                MPI_Isend(mine, rank + 1, MPI_INT, 0, tag, MPI_COMM_WORLD, &req);
            else
                MPI_Issend(mine, rank + 1, MPI_INT, 0, tag, MPI_COMM_WORLD, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);   // `mine` is in use until here
        }
    }

    int bsize;
    MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &bsize);
    bsize += MPI_BSEND_OVERHEAD;
    void *bbuf = malloc(bsize);
    MPI_Buffer_attach(bbuf, bsize);
    val = rank + 100;
    MPI_Bsend(&val, 1, MPI_INT, right, T_BSEND, MPI_COMM_WORLD);
    val = -1;   // Bsend copied the data out: the buffer is ours again
    MPI_Recv(&got, 1, MPI_INT, left, T_BSEND, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Buffer_detach(&bbuf, &bsize);
    free(bbuf);
    if (got != left + 100)
        fail("rank %d: Bsend ring gave %d", rank, got);

    MPI_Request rreq;
    MPI_Irecv(&got, 1, MPI_INT, MPI_ANY_SOURCE, T_RSEND, MPI_COMM_WORLD, &rreq);
    MPI_Barrier(MPI_COMM_WORLD);   // every receive is posted before any Rsend
    val = rank + 200;
    MPI_Rsend(&val, 1, MPI_INT, right, T_RSEND, MPI_COMM_WORLD);
    MPI_Wait(&rreq, MPI_STATUS_IGNORE);
    if (got != left + 200)
        fail("rank %d: Rsend ring gave %d", rank, got);

    if (rank == 0)
        printf("p2p_messages: OK\n");
    MPI_Finalize();
    return 0;
}
