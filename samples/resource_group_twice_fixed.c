// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// MPI_Comm_group and MPI_Win_get_group may return the same group handle
// (Open MPI does for a window over MPI_COMM_WORLD: both are references to
// one group). Each call hands the program a reference that it must free, so
// freeing both handles is correct, and nothing leaks. Buggy twin:
// resource_group_twice_bug.c.
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
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    MPI_Win_get_group(win, &of_win);
    int cmp = MPI_UNEQUAL;
    MPI_Group_compare(world, of_win, &cmp);
    printf("resource_group_twice_fixed: rank %d same handle %d, %s\n", rank, world == of_win,
           cmp == MPI_IDENT ? "identical groups" : "different groups");
    MPI_Group_free(&of_win);
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
