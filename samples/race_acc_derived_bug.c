// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=accumulate,accumulate2 ranks=0,2
// rmacheck-lint-expect: none
//
// Rank 1's window holds an array of records {int hits; short flags;}. Two
// modules add hit counts with MPI_Accumulate(MPI_SUM) through derived
// datatypes that disagree on the record layout: rank 0 describes the padded
// C layout (record stride 8 bytes: ints at bytes 0, 8, 16), rank 2 the packed
// file layout (stride 6: ints at bytes 0, 6, 12). The first ints coincide
// (same basic type, same bytes: atomic), but rank 2's int at [6,10) straddles
// rank 0's int at [8,12): those blocks differ, so the accumulates conflict.
#include <mpi.h>
#include <stdio.h>

#define NREC 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    char *recs;   // NREC padded records of 8 bytes, addressed in bytes
    MPI_Win win;
    MPI_Win_allocate(NREC * 8, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &recs, &win);
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    for (int i = 0; i < NREC * 8; i++)
        recs[i] = 0;
    MPI_Win_unlock(rank, win);
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Datatype padded_hits, packed_hits;
    MPI_Type_create_hvector(NREC, 1, 8, MPI_INT, &padded_hits);
    MPI_Type_commit(&padded_hits);
    MPI_Type_create_hvector(NREC, 1, 6, MPI_INT, &packed_hits);   // BUG: window records are padded
    MPI_Type_commit(&packed_hits);

    int hits[NREC] = {1, 2, 3};
    MPI_Win_lock_all(0, win);
    if (rank == 0)
        MPI_Accumulate(hits, NREC, MPI_INT, 1, 0, 1, padded_hits, MPI_SUM, win);  // @accumulate
    if (rank == 2)
        MPI_Accumulate(hits, NREC, MPI_INT, 1, 0, 1, packed_hits, MPI_SUM, win);  // @accumulate2
    MPI_Win_unlock_all(win);

    MPI_Type_free(&packed_hits);
    MPI_Type_free(&padded_hits);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_acc_derived_bug: done\n");
    MPI_Finalize();
    return 0;
}
