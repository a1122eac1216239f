// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a global argmin/argmax search. Each rank scans its part of a
// function's samples and offers its best (value, index) pairs to rank 0 with
// MPI_Accumulate: MPI_MINLOC on MPI_DOUBLE_INT and MPI_MAXLOC on MPI_FLOAT_INT
// and MPI_SHORT_INT, all ranks at once in one lock_all epoch. A pair is one
// predefined element, so concurrent MINLOCs (or MAXLOCs) on it are atomic.
// Rank 0 polls the minimum with MPI_Get_accumulate(MPI_NO_OP) while the
// others are still offering theirs.
#include <math.h>
#include <mpi.h>
#include <stddef.h>
#include <stdio.h>

#define PER 50

struct double_int {
    double v;
    int i;
};
struct float_int {
    float v;
    int i;
};
struct short_int {
    short v;
    int i;
};
struct best {
    struct double_int lo;
    struct float_int hi;
    struct short_int count;
};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    struct best *b;
    MPI_Win win;
    MPI_Win_allocate(sizeof *b, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &b, &win);
    b->lo.v = INFINITY, b->lo.i = -1;
    b->hi.v = -INFINITY, b->hi.i = -1;
    b->count.v = -1, b->count.i = -1;
    MPI_Barrier(MPI_COMM_WORLD);

    struct double_int lo = {INFINITY, -1};
    struct float_int hi = {-INFINITY, -1};
    for (int k = 0; k < PER; k++) {
        const int i = rank * PER + k;
        const double f = cos(i * 0.05) * (1 + i * 0.001);
        if (f < lo.v)
            lo.v = f, lo.i = i;
        if ((float)f > hi.v)
            hi.v = (float)f, hi.i = i;
    }
    struct short_int count = {(short)(PER + rank), rank};

    MPI_Win_lock_all(0, win);
    MPI_Accumulate(&lo, 1, MPI_DOUBLE_INT, 0, offsetof(struct best, lo), 1, MPI_DOUBLE_INT, MPI_MINLOC, win);
    MPI_Accumulate(&hi, 1, MPI_FLOAT_INT, 0, offsetof(struct best, hi), 1, MPI_FLOAT_INT, MPI_MAXLOC, win);
    MPI_Accumulate(&count, 1, MPI_SHORT_INT, 0, offsetof(struct best, count), 1, MPI_SHORT_INT, MPI_MAXLOC, win);
    if (rank == 0) {
        struct double_int peek, ignored = {0, 0};
        MPI_Get_accumulate(&ignored, 1, MPI_DOUBLE_INT, &peek, 1, MPI_DOUBLE_INT, 0, offsetof(struct best, lo), 1,
                           MPI_DOUBLE_INT, MPI_NO_OP, win);
        MPI_Win_flush(0, win);
    }
    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);

    struct double_int all_lo;
    MPI_Allreduce(&lo, &all_lo, 1, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD);
    if (rank == 0 && (b->lo.i != all_lo.i || b->count.i != size - 1)) {
        fprintf(stderr, "minloc_search: min at %d (want %d), count from %d\n", b->lo.i, all_lo.i, b->count.i);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("minloc_search: min %g at %d, max %g at %d\n", b->lo.v, b->lo.i, b->hi.v, b->hi.i);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
