// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: rma-portability at=put,attach_lo,attach_hi ranks=0,1
// rmacheck-lint-expect: none
//
// Rank 1 attaches one array to a dynamic window as two regions (its lower and
// upper half, adjacent in memory), and rank 0 writes the whole array with one
// MPI_Put. MPI-3.1 11.2.4 does not say whether one access may cross from one
// attached region into the next: one MPI library accepts it, another
// rejects it. Not an error, a portability warning. Portable twin:
// dynamic_span_regions_fixed.c (one Put per region).
#include <mpi.h>
#include <stdio.h>

#define N 16

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int array[N] = {0};
    MPI_Win win;
    MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    if (rank == 1) {
        MPI_Win_attach(win, array, N / 2 * sizeof(int));  // @attach_lo
        MPI_Win_attach(win, array + N / 2, N / 2 * sizeof(int));  // @attach_hi
    }
    MPI_Aint addr = 0;
    MPI_Get_address(array, &addr);
    MPI_Bcast(&addr, 1, MPI_AINT, 1, MPI_COMM_WORLD);

    if (rank == 0) {
        int data[N];
        for (int i = 0; i < N; i++)
            data[i] = i + 1;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        int rc = MPI_Put(data, N, MPI_INT, 1, addr, N, MPI_INT, win);  // @put
        MPI_Win_unlock(1, win);
        printf("dynamic_span_regions_warn: MPI_Put across two regions returned %s\n",
               rc == MPI_SUCCESS ? "MPI_SUCCESS" : "an error");
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        printf("dynamic_span_regions_warn: array[0]=%d array[%d]=%d\n", array[0], N - 1, array[N - 1]);
        MPI_Win_detach(win, array + N / 2);
        MPI_Win_detach(win, array);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
