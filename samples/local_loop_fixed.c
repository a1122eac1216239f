// rmacheck-sample: ranks=2 timeout=60 build=instrumented opt=2 guard=false args="256 300 400 700"
// rmacheck-lint-expect: none
// rmacheck-expect: none
//
// The fixed twin of local_loop_bug.c: rank 1 runs its three loops over
// window memory (built at -O2, each checked as one range where GCC's loop
// plugin can, per element where not) in the epoch before rank 0's Puts, so
// the fence orders them: no finding. In the Puts' epoch rank 1 reads
// a[401..698], one range that ends just short of the Puts at a[400] and
// a[699]: no finding either.
// guard=false: the loops fault on one page hundreds of times in one
// interval, and guarded pages then count the whole page as accessed
// (docs/user-guide.md): the byte-exact ranges are what this sample checks.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define N 1024

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double *a, one = 1;
    MPI_Win win;
    MPI_Win_allocate(N * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &a, &win);
    for (int i = 0; i < N; i++)
        a[i] = 0;
    a[760] = -1;  // the scan's sentinel
    double sum = 0;
    // The loops' bounds come from the command line (the header's args: 256 300 400 700), so the
    // compiler does not know the trip counts and the ranges are computed at run time.
    const int fill_end = argc > 4 ? atoi(argv[1]) : 256, rev_lo = argc > 4 ? atoi(argv[2]) : 300,
              rev_end = argc > 4 ? atoi(argv[3]) : 400, scan_lo = argc > 4 ? atoi(argv[4]) : 700;
    MPI_Win_fence(0, win);
    if (rank == 1) {
        for (int i = 0; i < fill_end; i++)
            a[i] = 0.5 * i;
        for (int i = rev_end - 1; i >= rev_lo; i--)
            a[i] = a[i] + i;
        for (int i = scan_lo; a[i] >= 0; i++)
            sum += a[i];
    }
    MPI_Win_fence(0, win);  // FIX: the loops end before the epoch of the Puts begins
    if (rank == 0) {
        MPI_Put(&one, 1, MPI_DOUBLE, 1, fill_end - 1, 1, MPI_DOUBLE, win);
        MPI_Put(&one, 1, MPI_DOUBLE, 1, rev_lo, 1, MPI_DOUBLE, win);
        MPI_Put(&one, 1, MPI_DOUBLE, 1, 760, 1, MPI_DOUBLE, win);
        const int outside[] = {fill_end, rev_lo - 1, rev_end, scan_lo - 1, 761};
        for (int k = 0; k < 5; k++)
            MPI_Put(&one, 1, MPI_DOUBLE, 1, outside[k], 1, MPI_DOUBLE, win);
    } else {
        for (int i = rev_end + 1; i < scan_lo - 1; i++)  // between two Puts' targets (a[400], a[699]): no finding
            sum += a[i];
    }
    MPI_Win_fence(0, win);
    if (rank == 1)
        printf("local_loop_fixed: %g %g\n", sum, a[255] + a[300] + a[760]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
