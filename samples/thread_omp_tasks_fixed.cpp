// rmacheck-sample: ranks=2 timeout=60 build=instrumented guard=false
// rmacheck-sample[mpich]: env=MPIR_CVAR_NOLOCAL=1
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// More OpenMP task shapes, correct (C++, built with `rmacheck mpicxx
// -fopenmp`): rank 0's tasks store into its own window memory and other
// tasks or the creating thread MPI_Put it to rank 1 once the stores are
// ordered before them:
// - a task with a firstprivate object that has a copy constructor (libgomp
//   copies it with the task's copy function), waited for by taskwait;
// - an undeferred task (if(0)) and a final task, run by their creator;
// - a task that makes child tasks and waits for them, and its parent's
//   taskwait after it (children of children: ordered through their parent);
// - nested taskgroups: the outer one's end waits for the tasks of both;
// - `taskwait depend(in: ...)`, which waits for the earlier depend(out) task.
// guard=false: guarded pages need MPI_THREAD_SERIALIZED.
#include <mpi.h>
#include <unistd.h>

#include <cstdio>

struct Value {
    int v;
    explicit Value(int x) : v(x) {}
    Value(const Value &o) : v(o.v + 1) {}  // not trivially copyable: the task gets a copy function
};

static MPI_Win win;
static int *slot;

// The creating thread works a while (2 ms) after making tasks: the other thread takes them meanwhile.
static void work()
{
    usleep(2000);
}

static void put(int i)
{
    MPI_Put(&slot[i], 1, MPI_INT, 1, i, 1, MPI_INT, win);
    MPI_Win_flush(1, win);
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    if (provided < MPI_THREAD_MULTIPLE) {
        std::fprintf(stderr, "MPI_THREAD_MULTIPLE not provided\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Win_allocate(16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int i = 0; i < 16; i++)
        slot[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        MPI_Win_lock_all(0, win);
#pragma omp parallel num_threads(2)
#pragma omp single
        {
            Value value(10);
#pragma omp task firstprivate(value)
            {
                usleep(1000);
                slot[0] = value.v;
            }
            work();
#pragma omp taskwait
            put(0);

#pragma omp task if (0)
            slot[1] = 11;
            put(1);
#pragma omp task final(1)
            slot[2] = 12;
#pragma omp taskwait
            put(2);

#pragma omp task
            {
                for (int i = 3; i < 6; i++) {
#pragma omp task firstprivate(i)
                    {
                        usleep(500);
                        slot[i] = 10 + i;
                    }
                }
#pragma omp taskwait
                put(3);
            }
            work();
#pragma omp taskwait
            put(4);
            put(5);

#pragma omp taskgroup
            {
#pragma omp task
                {
                    usleep(500);
                    slot[6] = 16;
                }
#pragma omp taskgroup
                {
#pragma omp task
                    {
                        usleep(500);
                        slot[7] = 17;
                    }
                    work();
                }
                put(7);
#pragma omp task
                {
#pragma omp task
                    {
                        usleep(500);
                        slot[8] = 18;
                    }
                }
                work();
            }
            put(6);
            put(8);

#pragma omp task depend(out: slot[9])
            {
                usleep(1000);
                slot[9] = 19;
            }
            work();
#pragma omp taskwait depend(in: slot[9])
            put(9);
#pragma omp taskwait
        }
        MPI_Win_unlock_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1)
        std::printf("thread_omp_tasks_fixed: %d %d %d %d %d\n", slot[0], slot[3], slot[6], slot[8], slot[9]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
