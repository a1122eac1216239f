// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a dynamic window whose memory grows. In each phase every rank
// mallocs a bigger region, attaches it, publishes its address with
// MPI_Allgather, and the ranks fill each other's regions (rank r writes
// slot r of every region) inside a lock_all epoch; after unlock_all and a
// barrier each rank checks its region, then detaches and frees it.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Win win;
    MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Aint *addrs = malloc(size * sizeof(MPI_Aint));

    for (int phase = 1; phase <= 3; phase++) {
        const int per = phase * 2;  // ints per writer
        int *region = calloc((size_t)size * per, sizeof(int));
        MPI_Win_attach(win, region, (MPI_Aint)size * per * sizeof(int));
        MPI_Aint mine;
        MPI_Get_address(region, &mine);
        MPI_Allgather(&mine, 1, MPI_AINT, addrs, 1, MPI_AINT, MPI_COMM_WORLD);

        int *data = malloc(per * sizeof(int));
        for (int i = 0; i < per; i++)
            data[i] = phase * 1000 + rank * 10 + i;
        MPI_Win_lock_all(0, win);
        for (int r = 0; r < size; r++)
            MPI_Put(data, per, MPI_INT, r, MPI_Aint_add(addrs[r], (MPI_Aint)rank * per * sizeof(int)), per, MPI_INT,
                    win);
        MPI_Win_unlock_all(win);
        MPI_Barrier(MPI_COMM_WORLD);

        for (int w = 0; w < size; w++)
            for (int i = 0; i < per; i++)
                if (region[w * per + i] != phase * 1000 + w * 10 + i) {
                    fprintf(stderr, "dynamic_attach_detach: phase %d rank %d slot %d\n", phase, rank, w);
                    MPI_Abort(MPI_COMM_WORLD, 1);
                }
        MPI_Win_detach(win, region);
        free(region);
        free(data);
        MPI_Barrier(MPI_COMM_WORLD);  // nobody uses the old addresses any more
    }
    if (rank == 0)
        printf("dynamic_attach_detach: 3 phases ok\n");
    free(addrs);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
