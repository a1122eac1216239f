// rmacheck-sample: ranks=2 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Portable twin of dynamic_span_regions_warn.c: rank 1 attaches one array as
// two adjacent regions, and rank 0 writes it with one MPI_Put per region, so
// no access crosses a region boundary.
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
    if (rank == 1) {
        MPI_Win_attach(win, array, N / 2 * sizeof(int));
        MPI_Win_attach(win, array + N / 2, N / 2 * sizeof(int));
    }
    MPI_Aint addr = 0;
    MPI_Get_address(array, &addr);
    MPI_Bcast(&addr, 1, MPI_AINT, 1, MPI_COMM_WORLD);

    if (rank == 0) {
        int data[N];
        for (int i = 0; i < N; i++)
            data[i] = i + 1;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
        MPI_Put(data, N / 2, MPI_INT, 1, addr, N / 2, MPI_INT, win);
        MPI_Put(data + N / 2, N / 2, MPI_INT, 1, MPI_Aint_add(addr, N / 2 * sizeof(int)), N / 2, MPI_INT, win);
        MPI_Win_unlock(1, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        printf("dynamic_span_regions_fixed: array[0]=%d array[%d]=%d\n", array[0], N - 1, array[N - 1]);
        MPI_Win_detach(win, array + N / 2);
        MPI_Win_detach(win, array);
    }
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
