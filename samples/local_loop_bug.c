// rmacheck-sample: ranks=2 timeout=60 build=instrumented opt=2 guard=false args="256 300 400 700"
// rmacheck-lint-expect: none
// rmacheck-expect: target-local-conflict at=put_fill,fill ranks=0,1
// rmacheck-expect: target-local-conflict at=put_rev,rev ranks=0,1
// rmacheck-expect: target-local-conflict at=put_rev,rev ranks=0,1
// rmacheck-expect: target-local-conflict at=put_scan,scan ranks=0,1
//
// Loops over window memory in an optimized build (-O2), where `rmacheck
// mpicc` checks a whole loop with one range (GCC's loop plugin,
// interpose/gcc_plugin) instead of one call per element: the range must be
// exactly the bytes the loop touches. Rank 1 owns 1024 doubles and, in one
// fence epoch, fills a[0..255] (forward), rewrites a[300..399] (backward)
// and scans from a[700] up to a sentinel at a[760] (an early-exit loop,
// checked per element). Rank 0 Puts into one element of each of these,
// a race each (two at a[300], which is loaded and stored), and into the elements just outside them (a[256], a[299],
// a[400], a[699], a[761]), which no loop touches: no finding there.
// local_loop_fixed.c runs the same loops in the epoch before the Puts.
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
    if (rank == 0) {
        MPI_Put(&one, 1, MPI_DOUBLE, 1, fill_end - 1, 1, MPI_DOUBLE, win);  // @put_fill BUG: the fill loop's last element
        MPI_Put(&one, 1, MPI_DOUBLE, 1, rev_lo, 1, MPI_DOUBLE, win);  // @put_rev BUG: the backward loop's last element
        MPI_Put(&one, 1, MPI_DOUBLE, 1, 760, 1, MPI_DOUBLE, win);  // @put_scan BUG: the sentinel the scan reads
        const int outside[] = {fill_end, rev_lo - 1, rev_end, scan_lo - 1, 761};
        for (int k = 0; k < 5; k++)
            MPI_Put(&one, 1, MPI_DOUBLE, 1, outside[k], 1, MPI_DOUBLE, win);
    } else {
        for (int i = 0; i < fill_end; i++)
            a[i] = 0.5 * i;  // @fill
        for (int i = rev_end - 1; i >= rev_lo; i--)
            a[i] = a[i] + i;  // @rev
        for (int i = scan_lo; a[i] >= 0; i++)  // @scan
            sum += a[i];
    }
    MPI_Win_fence(0, win);
    if (rank == 1)
        printf("local_loop_bug: %g %g\n", sum, a[255] + a[300] + a[760]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
