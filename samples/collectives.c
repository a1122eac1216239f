// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Blocking collectives (Barrier, Bcast, Reduce, Allreduce, Gather, Scatter,
// Allgather, Alltoall, Alltoallv, Reduce_scatter, Scan) and nonblocking ones
// (Ibcast, Iallreduce, Ibarrier), each result checked against its closed form.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "collectives: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

#define EXPECT(cond, what) do { if (!(cond)) fail("rank %d: wrong %s", rank, what); } while (0)

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int root = size - 1, tri = size * (size - 1) / 2;   // tri = sum of all ranks
    int *a = malloc(size * sizeof(int)), *b = malloc(size * sizeof(int));
    int x, y;

    MPI_Barrier(MPI_COMM_WORLD);
    x = rank == root ? 42 : -1;
    MPI_Bcast(&x, 1, MPI_INT, root, MPI_COMM_WORLD);
    EXPECT(x == 42, "Bcast");
    MPI_Reduce(&rank, &x, 1, MPI_INT, MPI_SUM, root, MPI_COMM_WORLD);
    EXPECT(rank != root || x == tri, "Reduce");
    MPI_Allreduce(&rank, &x, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    EXPECT(x == size - 1, "Allreduce");
    MPI_Scan(&rank, &x, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    EXPECT(x == rank * (rank + 1) / 2, "Scan");

    y = rank * rank;
    MPI_Gather(&y, 1, MPI_INT, a, 1, MPI_INT, root, MPI_COMM_WORLD);
    for (int r = 0; rank == root && r < size; r++)
        EXPECT(a[r] == r * r, "Gather");
    for (int r = 0; r < size; r++)
        a[r] = 3 * r;   // only the root's copy is read by Scatter
    MPI_Scatter(a, 1, MPI_INT, &x, 1, MPI_INT, root, MPI_COMM_WORLD);
    EXPECT(x == 3 * rank, "Scatter");
    MPI_Allgather(&y, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD);
    for (int r = 0; r < size; r++)
        EXPECT(b[r] == r * r, "Allgather");

    for (int d = 0; d < size; d++)
        a[d] = rank * 100 + d;   // element d goes to rank d
    MPI_Alltoall(a, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD);
    for (int s = 0; s < size; s++)
        EXPECT(b[s] == s * 100 + rank, "Alltoall");

    // Alltoallv: rank s sends d+1 ints (s*100 + d*10 + k) to rank d.
    int total_out = size * (size + 1) / 2, total_in = size * (rank + 1);
    int *sc = malloc(size * sizeof(int)), *sd = malloc(size * sizeof(int));
    int *rc = malloc(size * sizeof(int)), *rd = malloc(size * sizeof(int));
    int *out = malloc(total_out * sizeof(int)), *in = malloc(total_in * sizeof(int));
    for (int d = 0, off = 0; d < size; off += d + 1, d++) {
        sc[d] = d + 1, sd[d] = off;
        rc[d] = rank + 1, rd[d] = d * (rank + 1);
        for (int k = 0; k <= d; k++)
            out[off + k] = rank * 100 + d * 10 + k;
    }
    MPI_Alltoallv(out, sc, sd, MPI_INT, in, rc, rd, MPI_INT, MPI_COMM_WORLD);
    for (int s = 0; s < size; s++)
        for (int k = 0; k <= rank; k++)
            EXPECT(in[s * (rank + 1) + k] == s * 100 + rank * 10 + k, "Alltoallv");

    // Reduce_scatter: element j of the reduced vector is tri + size*j; rank i gets i+1 of them.
    for (int j = 0; j < total_out; j++)
        out[j] = rank + j;
    MPI_Reduce_scatter(out, in, sc, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    for (int k = 0, first = rank * (rank + 1) / 2; k <= rank; k++)
        EXPECT(in[k] == tri + size * (first + k), "Reduce_scatter");

    // Nonblocking: the buffers belong to MPI until the Waitall.
    MPI_Request reqs[3];
    x = rank == 0 ? 7 : -1;
    MPI_Ibcast(&x, 1, MPI_INT, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Iallreduce(&rank, &y, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &reqs[1]);
    MPI_Ibarrier(MPI_COMM_WORLD, &reqs[2]);
    MPI_Waitall(3, reqs, MPI_STATUSES_IGNORE);
    EXPECT(x == 7 && y == tri, "Ibcast/Iallreduce");

    free(a), free(b), free(sc), free(sd), free(rc), free(rd), free(out), free(in);
    if (rank == 0)
        printf("collectives: OK\n");
    MPI_Finalize();
    return 0;
}
