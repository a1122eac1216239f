// rmacheck-sample: ranks=2 timeout=60 guard=true
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Guarded pages and a program with its own SIGSEGV handler: installed after
// MPI_Init (over rmacheck's), it must still be called for the program's own
// faults (here: a write to a page the program made read-only, recovered with
// siglongjmp), and never for the faults of guarded window pages, which the
// program accesses between epochs.
#include <mpi.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf recover;
static volatile sig_atomic_t handled;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    handled++;
    siglongjmp(recover, 1);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_segv;
    sigaction(SIGSEGV, &sa, NULL);

    int *slot;
    MPI_Win win;
    MPI_Win_allocate(64 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    long sum = 0;
    for (int step = 0; step < 3; step++) {
        for (int i = 0; i < 64; i++)
            slot[i] = rank + step;   // between epochs: faults taken by rmacheck, not by on_segv
        MPI_Win_fence(0, win);
        int v = 7;
        if (rank == 0)
            MPI_Put(&v, 1, MPI_INT, 1, 10, 1, MPI_INT, win);
        MPI_Win_fence(0, win);
        for (int i = 0; i < 64; i++)
            sum += slot[i];
    }
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(recover, 1) == 0)
        ro[0] = 1;   // the program's own fault: its handler recovers
    MPI_Win_free(&win);
    if (handled != 1) {
        fprintf(stderr, "guard_own_handler_fixed: the program's handler ran %d times, expected 1\n", (int)handled);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    printf("guard_own_handler_fixed: rank %d sum %ld\n", rank, sum);
    MPI_Finalize();
    return 0;
}
