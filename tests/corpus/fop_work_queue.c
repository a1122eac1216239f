// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: self-scheduling with a shared task counter. Rank 0's window holds
// the next task index and one result slot per task. Every rank repeatedly
// claims a task with MPI_Fetch_and_op(MPI_SUM, 1), computes it and stores
// the result into that task's slot with MPI_Put (each slot is claimed by
// exactly one rank). MPI_Win_unlock_all completes the Puts before the
// barrier, after which rank 0 checks the results in its own memory.
#include <mpi.h>
#include <stdio.h>

#define TASKS 40

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int *w;  // [0] next task, [1 + t] result of task t
    MPI_Win win;
    MPI_Win_allocate((rank == 0 ? TASKS + 1 : 0) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &w,
                     &win);
    if (rank == 0)
        for (int i = 0; i <= TASKS; i++)
            w[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    const int one = 1;
    int done = 0, results[TASKS];
    MPI_Win_lock_all(0, win);
    for (;;) {
        int task;
        MPI_Fetch_and_op(&one, &task, MPI_INT, 0, 0, MPI_SUM, win);
        MPI_Win_flush(0, win);
        if (task >= TASKS)
            break;
        results[done] = task * task;  // a separate buffer per Put: none is reused before the unlock
        MPI_Put(&results[done], 1, MPI_INT, 0, 1 + task, 1, MPI_INT, win);
        done++;
    }
    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);

    int total = 0;
    MPI_Reduce(&done, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        for (int t = 0; t < TASKS; t++)
            if (w[1 + t] != t * t) {
                fprintf(stderr, "fop_work_queue: task %d result %d\n", t, w[1 + t]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        printf("fop_work_queue: %d tasks done\n", total);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
