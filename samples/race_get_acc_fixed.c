// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_get_acc_bug.c: worker rank 0 adds to rank 1's progress
// counters with MPI_Accumulate (MPI_SUM, MPI_INT) and monitor rank 2 reads
// them concurrently with MPI_Get_accumulate(MPI_NO_OP, MPI_INT), an atomic
// read: accumulate-family operations with the same basic datatype on the
// same bytes do not conflict. Each counter is seen either before or after
// the addition, never torn.
#include <mpi.h>
#include <stdio.h>

#define NC 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int counters[NC] = {0};
    MPI_Win win;
    MPI_Win_create(counters, sizeof counters, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int done[NC] = {5, 6, 7, 8}, seen[NC] = {-1, -1, -1, -1};
    MPI_Win_lock_all(0, win);
    if (rank == 0)
        MPI_Accumulate(done, NC, MPI_INT, 1, 0, NC, MPI_INT, MPI_SUM, win);
    if (rank == 2)
        MPI_Get_accumulate(NULL, 0, MPI_INT, seen, NC, MPI_INT, 1, 0, NC, MPI_INT, MPI_NO_OP, win);
    MPI_Win_unlock_all(win);

    for (int i = 0; rank == 2 && i < NC; i++)
        if (seen[i] != 0 && seen[i] != done[i]) {
            fprintf(stderr, "race_get_acc_fixed: counter %d read as %d\n", i, seen[i]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    MPI_Barrier(MPI_COMM_WORLD);   // every epoch is closed: rank 1 may read its counters
    if (rank == 1) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        for (int i = 0; i < NC; i++)
            if (counters[i] != done[i]) {
                fprintf(stderr, "race_get_acc_fixed: counter %d = %d\n", i, counters[i]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        MPI_Win_unlock(1, win);
    }
    MPI_Win_free(&win);
    if (rank == 0)
        printf("race_get_acc_fixed: OK\n");
    MPI_Finalize();
    return 0;
}
