// rmacheck-sample: ranks=3 timeout=60
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
//   (MPICH 4.0.2 ch4:ucx, ranks on one node: Puts into an MPI_Win_allocate window of a few
//   dozen bytes never reach the memory its base pointer shows (a 4-byte window: 5 of 5 runs
//   wrong, 256 bytes: right); without MPICH's shared-memory path they do.)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_acc_int_float_bug.c, race_acc_short_int_bug.c and
// race_acc_derived_bug.c: ranks 0 and 2 update rank 1's window concurrently
// (one lock_all epoch) with accumulate-family operations only, and every pair
// that touches the same bytes uses the same basic datatype on the same
// element-aligned bytes, so all of them are atomic with respect to each other:
//   ints   [0,16):  MPI_INT contiguous (rank 0), an hvector of MPI_INT at bytes
//                   0 and 8 (rank 2), MPI_Fetch_and_op at byte 4 (rank 2) and an
//                   MPI_NO_OP MPI_Get_accumulate reading all four (rank 2);
//   floats [16,24): MPI_FLOAT from both ranks;   shorts [24,28): MPI_SHORT.
// All modifying operations use MPI_SUM (the default accumulate_ops info is
// same_op_no_op: concurrent accumulates must use one op or MPI_NO_OP).
#include <mpi.h>
#include <stdio.h>
#include <string.h>

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "race_acc_same_type_fixed: %s\n", what);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    char *mem;   // byte-addressed (disp_unit 1)
    MPI_Win win;
    MPI_Win_allocate(28, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &mem, &win);
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
    memset(mem, 0, 28);
    MPI_Win_unlock(rank, win);
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Datatype even_ints;   // ints at bytes 0 and 8
    MPI_Type_create_hvector(2, 1, 8, MPI_INT, &even_ints);
    MPI_Type_commit(&even_ints);

    int ints[4] = {1, 2, 3, 4}, pair[2] = {10, 30}, inc = 100, before = -1, seen[4];
    float fl[2] = {0.5f, 1.5f};
    short sh[2] = {7, 9};
    MPI_Win_lock_all(0, win);
    if (rank == 0) {
        MPI_Accumulate(ints, 4, MPI_INT, 1, 0, 4, MPI_INT, MPI_SUM, win);
        MPI_Accumulate(fl, 2, MPI_FLOAT, 1, 16, 2, MPI_FLOAT, MPI_SUM, win);
        MPI_Accumulate(sh, 2, MPI_SHORT, 1, 24, 2, MPI_SHORT, MPI_SUM, win);
    } else if (rank == 2) {
        MPI_Accumulate(pair, 2, MPI_INT, 1, 0, 1, even_ints, MPI_SUM, win);
        MPI_Fetch_and_op(&inc, &before, MPI_INT, 1, 4, MPI_SUM, win);
        MPI_Get_accumulate(NULL, 0, MPI_INT, seen, 4, MPI_INT, 1, 0, 4, MPI_INT, MPI_NO_OP, win);
        MPI_Accumulate(fl, 1, MPI_FLOAT, 1, 16, 1, MPI_FLOAT, MPI_SUM, win);
    }
    MPI_Win_unlock_all(win);
    if (rank == 2)
        check((before == 0 || before == 2) && (seen[3] == 0 || seen[3] == 4), "fetched values");

    MPI_Barrier(MPI_COMM_WORLD);   // all epochs closed: rank 1 reads its window
    if (rank == 1) {
        int iv[4]; float fv[2]; short sv[2];
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        memcpy(iv, mem, 16);
        memcpy(fv, mem + 16, 8);
        memcpy(sv, mem + 24, 4);
        MPI_Win_unlock(1, win);
        check(iv[0] == 11 && iv[1] == 102 && iv[2] == 33 && iv[3] == 4, "int totals");
        check(fv[0] == 1.0f && fv[1] == 1.5f && sv[0] == 7 && sv[1] == 9, "float/short totals");
    }
    MPI_Type_free(&even_ints);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_acc_same_type_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
