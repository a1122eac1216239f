// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: resource-leak at=comm_group ranks=0,1
// rmacheck-expect[mpich]: resource-leak at=get_group ranks=0,1
//   (MPICH returns a new group handle from MPI_Win_get_group, Open MPI the one MPI_Comm_group gave)
// rmacheck-lint-expect: resource-leak at=get_group
//
// Buggy twin of resource_group_twice_fixed.c: MPI_Comm_group and
// MPI_Win_get_group return the same handle here, and the program frees it
// once, as if it were one object. Each call returned a reference of its
// own, so one group reference is never freed. (Which of the two calls made
// the leaked one, the handle values cannot tell: the run's finding points
// at the first; lint, which follows the variables, at MPI_Win_get_group.)
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int cell = 0;
    MPI_Win win;
    MPI_Win_create(&cell, sizeof cell, sizeof cell, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Group world, of_win;
    MPI_Comm_group(MPI_COMM_WORLD, &world);  // @comm_group
    MPI_Win_get_group(win, &of_win);  // @get_group
    int n = 0;
    MPI_Group_size(of_win, &n);
    printf("resource_group_twice_bug: rank %d group of %d, same handle %d\n", rank, n, world == of_win);
    MPI_Group_free(&world);  // BUG: of_win is a reference of its own, never freed
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
