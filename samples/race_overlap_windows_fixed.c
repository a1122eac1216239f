// rmacheck-sample: ranks=3 timeout=60
// rmacheck-sample[mpich]: skip=MPICH 4.0.2 ch4:ucx on this machine gives this correct program wrong window data without rmacheck too (its own check fails in 3 of 3 runs, also with MPIR_CVAR_NOLOCAL=1)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_overlap_windows_bug.c: the 'interior' window covers
// cells[0..16) and the 'boundary' window cells[8..24) of every rank. Rank 0
// writes cells 8..11 of rank 1 through 'interior'; rank 2 writes boundary
// displacement 8, i.e. cells 16..19, which 'interior' does not reach. The
// windows overlap, but the two Puts touch disjoint memory of rank 1.
#include <mpi.h>
#include <stdio.h>

#define NCELL 24

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int cells[NCELL] = {0};
    MPI_Win interior, boundary;   // cells[0..16) and cells[8..24): they overlap in cells[8..16)
    MPI_Win_create(cells, 16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &interior);
    MPI_Win_create(cells + 8, 16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &boundary);

    int fresh[4] = {1, 2, 3, 4}, edge[4] = {9, 9, 9, 9};
    MPI_Win_fence(MPI_MODE_NOPRECEDE, interior);   // same fence order on all ranks
    MPI_Win_fence(MPI_MODE_NOPRECEDE, boundary);
    if (rank == 0)
        MPI_Put(fresh, 4, MPI_INT, 1, 8, 4, MPI_INT, interior);    // cells[8..12) of rank 1
    if (rank == 2)
        MPI_Put(edge, 4, MPI_INT, 1, 8, 4, MPI_INT, boundary);    // cells[16..20) of rank 1
    MPI_Win_fence(MPI_MODE_NOSUCCEED, interior);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, boundary);

    if (rank == 1 && (cells[8] != 1 || cells[11] != 4 || cells[16] != 9 || cells[19] != 9 || cells[12] != 0)) {
        fprintf(stderr, "race_overlap_windows_fixed: wrong cells at rank 1\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("race_overlap_windows_fixed: OK\n");
    MPI_Win_free(&boundary);
    MPI_Win_free(&interior);
    MPI_Finalize();
    return 0;
}
