// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: rma-conflict at=put,put2 ranks=0,2
// rmacheck-lint-expect: none
//
// Two windows over overlapping memory of each rank: the solver's 'interior'
// window covers cells[0..16), the halo module's 'boundary' window covers
// cells[8..24). In one fence epoch of both windows, rank 0 writes cells 8..11
// of rank 1 through 'interior' (displacement 8) and rank 2 writes boundary
// cells 0..3 of rank 1 through 'boundary' (displacement 0) -- the same
// memory. Operations on different windows are not synchronized with each
// other: the two Puts race in rank 1's memory. See race_overlap_windows_fixed.c.
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
        MPI_Put(fresh, 4, MPI_INT, 1, 8, 4, MPI_INT, interior);    // @put cells[8..12) of rank 1
    if (rank == 2)
        MPI_Put(edge, 4, MPI_INT, 1, 0, 4, MPI_INT, boundary);    // @put2 BUG: also cells[8..12) of rank 1
    MPI_Win_fence(MPI_MODE_NOSUCCEED, interior);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, boundary);

    if (rank == 1)
        printf("race_overlap_windows_bug: cells[8] = %d\n", cells[8]);
    MPI_Win_free(&boundary);
    MPI_Win_free(&interior);
    MPI_Finalize();
    return 0;
}
