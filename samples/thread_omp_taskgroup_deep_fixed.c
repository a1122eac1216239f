// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Deeply nested taskgroups, correct: rank 0's single thread opens 80 nested
// taskgroups (a recursion, as a divide-and-conquer code might); inside the
// innermost one four tasks, which both threads of the team run, store
// slots 0-3 of rank 0's own window memory, and after the innermost taskgroup
// ended the single thread MPI_Puts them to rank 1: the taskgroup's end
// waited for the tasks, at any depth (the checker once tracked 64 levels under
// libgomp and 8 under libomp).
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#define DEPTH 80

// Stands for the work that makes a value (a millisecond): the other thread takes the task meanwhile.
static int compute(int k)
{
    usleep(1000);
    return 100 + k;
}

static void nest(int depth, int *slot, MPI_Win win)
{
#pragma omp taskgroup
    {
        if (depth > 1) {
            nest(depth - 1, slot, win);
        } else {
            for (int k = 0; k < 4; k++) {
#pragma omp task firstprivate(k)
                slot[k] = compute(k);
            }
        }
    }
    if (depth == 1) {
        MPI_Put(slot, 4, MPI_INT, 1, 0, 4, MPI_INT, win);
        MPI_Win_flush(1, win);
    }
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    if (provided < MPI_THREAD_MULTIPLE) {
        fprintf(stderr, "MPI_THREAD_MULTIPLE not provided\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *slot;
    MPI_Win win;
    MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int k = 0; k < 4; k++)
        slot[k] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
#pragma omp single
        nest(DEPTH, slot, win);
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    printf("thread_omp_taskgroup_deep_fixed: rank %d got %d\n", rank, slot[0] + slot[1] + slot[2] + slot[3]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
