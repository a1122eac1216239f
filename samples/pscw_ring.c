// rmacheck-sample: ranks=4 timeout=60
// rmacheck-sample[mpich]: skip=MPICH 4.0.2 ch4:ucx on this machine gives this correct program wrong window data without rmacheck too (its own check fails in 3 of 3 runs, also with MPIR_CVAR_NOLOCAL=1)
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// General active-target synchronization (post/start/complete/wait) around a
// ring: every round each rank exposes its window to its left neighbour
// (MPI_Win_post) and opens an access epoch to its right neighbour
// (MPI_Win_start), Puts a message there and closes with MPI_Win_complete.
// Even rounds end the exposure epoch with MPI_Win_wait, odd rounds poll
// MPI_Win_test. The groups come from MPI_Group_incl.
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 6

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pscw_ring: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int inbox[2] = {-1, -1};   // message and round number, written by `left`
    MPI_Win win;
    MPI_Win_create(inbox, sizeof inbox, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    MPI_Group world, left_group, right_group;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    MPI_Group_incl(world, 1, &left, &left_group);
    MPI_Group_incl(world, 1, &right, &right_group);

    long polls = 0;
    for (int round = 0; round < ROUNDS; round++) {
        // After the first round we only load from the window between epochs,
        // which is what MPI_MODE_NOSTORE promises.
        MPI_Win_post(left_group, round > 0 ? MPI_MODE_NOSTORE : 0, win);
        MPI_Win_start(right_group, 0, win);
        int msg[2] = {rank * 100 + round, round};
        MPI_Put(msg, 2, MPI_INT, right, 0, 2, MPI_INT, win);
        MPI_Win_complete(win);   // msg is free again; the Put is done at `right`
                                 // once `right` returns from its wait/test

        if (round % 2 == 0) {
            MPI_Win_wait(win);
        } else {
            int done = 0;
            while (!done) {
                MPI_Win_test(win, &done);   // ends the exposure epoch when done
                polls++;
            }
        }
        if (inbox[0] != left * 100 + round || inbox[1] != round)
            fail("rank %d round %d: inbox holds {%d, %d}", rank, round, inbox[0], inbox[1]);
    }

    MPI_Group_free(&right_group);
    MPI_Group_free(&left_group);
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    if (rank == 0)
        printf("pscw_ring: OK (%ld Win_test calls on rank 0)\n", polls);
    MPI_Finalize();
    return 0;
}
