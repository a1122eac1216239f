// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=accumulate,accumulate2 ranks=0,2
// rmacheck-lint-expect: none
//
// Rank 1 holds a statistics record {int count; float sum;} in its window
// (disp_unit 4: COUNT = 0, SUM = 1). Inside shared-lock epochs, rank 0 adds
// to the count with MPI_Accumulate(MPI_INT) and rank 2 adds its sample with
// MPI_Accumulate(MPI_FLOAT) -- but to displacement COUNT instead of SUM.
// Accumulates are atomic only against accumulates with the same basic
// datatype: an int and a float accumulate on bytes [0,4) conflict.
// See race_acc_same_type_fixed.c.
#include <mpi.h>
#include <stdio.h>

enum { COUNT = 0, SUM = 1 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int *rec;   // rec[COUNT] is an int, rec[SUM] holds a float
    MPI_Win win;
    MPI_Win_allocate(2 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &rec, &win);
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    rec[COUNT] = rec[SUM] = 0;   // all-zero bits are also 0.0f
    MPI_Win_unlock(rank, win);
    MPI_Barrier(MPI_COMM_WORLD);   // initialised before anyone accesses it

    int one = 1;
    float sample = 2.5f;
    MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);
    if (rank == 0)
        MPI_Accumulate(&one, 1, MPI_INT, 1, COUNT, 1, MPI_INT, MPI_SUM, win);  // @accumulate
    if (rank == 2)
        MPI_Accumulate(&sample, 1, MPI_FLOAT, 1, COUNT, 1, MPI_FLOAT, MPI_SUM, win);   // @accumulate2 BUG: should be SUM
    MPI_Win_unlock(1, win);

    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_acc_int_float_bug: done\n");
    MPI_Finalize();
    return 0;
}
