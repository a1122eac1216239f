// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Pair types are predefined datatypes, and an accumulate on one is atomic on
// the whole pair (rma-semantics.md section 4). Every rank offers its best
// (value, rank) pair to rank 0 with MPI_MAXLOC on MPI_2INT and on
// MPI_DOUBLE_INT, all in one fence epoch; rank 1 also replaces a status pair
// that rank 2 reads with an MPI_NO_OP MPI_Get_accumulate. Concurrent
// accumulates on one pair element with the same op (or MPI_NO_OP) are
// atomic: no conflict. Buggy twin: race_acc_pair_vs_int_bug.c.
#include <mpi.h>
#include <stddef.h>
#include <stdio.h>

struct dint {
    double value;
    int rank;
};

struct table {
    int best[2];        // MPI_2INT: value, rank
    struct dint dbest;  // MPI_DOUBLE_INT
    int status[2];      // MPI_2INT: state, owner
};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    struct table *t;
    MPI_Win win;
    MPI_Win_allocate(sizeof *t, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &t, &win);
    t->best[0] = -1, t->best[1] = -1;
    t->dbest.value = -1.0, t->dbest.rank = -1;
    t->status[0] = 0, t->status[1] = 0;

    int mine[2] = {(rank * 7) % size, rank};
    struct dint dmine = {rank * 0.5, rank};
    int state[2] = {1, rank}, seen[2] = {0, 0};

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    MPI_Accumulate(mine, 1, MPI_2INT, 0, 0, 1, MPI_2INT, MPI_MAXLOC, win);
    MPI_Accumulate(&dmine, 1, MPI_DOUBLE_INT, 0, offsetof(struct table, dbest), 1, MPI_DOUBLE_INT, MPI_MAXLOC, win);
    if (rank == 1)
        MPI_Accumulate(state, 1, MPI_2INT, 0, offsetof(struct table, status), 1, MPI_2INT, MPI_REPLACE, win);
    if (rank == 2)
        MPI_Get_accumulate(NULL, 0, MPI_2INT, seen, 1, MPI_2INT, 0, offsetof(struct table, status), 1, MPI_2INT,
                           MPI_NO_OP, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0)
        printf("race_acc_pair_fixed: best %d from rank %d, %.1f from rank %d\n", t->best[0], t->best[1],
               t->dbest.value, t->dbest.rank);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
