// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: none
// rmacheck-expect: none
//
// Fixed twin of local_origin_bug.c: each buffer is touched again only after
// the call that completes its operation at the origin. Reading a Put's or
// an Accumulate's origin buffer while the operation is pending is allowed.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *slot;
    MPI_Win win;
    MPI_Win_allocate(16 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slot, &win);
    for (int i = 0; i < 16; i++)
        slot[i] = i;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        int put_buf[4] = {1, 2, 3, 4}, acc_buf[4] = {1, 1, 1, 1}, get_buf[4], gacc_res[4];
        int one = 1, two = 2, fop_res = 0, cas_res = 0, rput_buf[2] = {7, 7}, rget_buf[2];
        long x = 0;
        MPI_Request req[2];
        MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);
        MPI_Put(put_buf, 4, MPI_INT, 1, 0, 4, MPI_INT, win);
        x += put_buf[3];  // reading an origin buffer is fine
        MPI_Accumulate(acc_buf, 4, MPI_INT, 1, 4, 4, MPI_INT, MPI_SUM, win);
        MPI_Get(get_buf, 4, MPI_INT, 1, 8, 4, MPI_INT, win);
        MPI_Win_flush_local(1, win);
        put_buf[0] = 5;
        acc_buf[1] = 2;
        x += get_buf[2];
        MPI_Get_accumulate(&one, 1, MPI_INT, gacc_res, 1, MPI_INT, 1, 12, 1, MPI_INT, MPI_SUM, win);
        MPI_Fetch_and_op(&one, &fop_res, MPI_INT, 1, 13, MPI_SUM, win);
        MPI_Win_flush(1, win);
        x += gacc_res[0] + fop_res;
        MPI_Compare_and_swap(&two, &one, &cas_res, MPI_INT, 1, 14, win);
        MPI_Win_unlock(1, win);
        cas_res = -1;
        MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);
        MPI_Rput(rput_buf, 2, MPI_INT, 1, 0, 2, MPI_INT, win, &req[0]);
        MPI_Rget(rget_buf, 2, MPI_INT, 1, 8, 2, MPI_INT, win, &req[1]);
        MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
        rput_buf[1] = 8;
        x += rget_buf[0];
        MPI_Win_unlock(1, win);
        printf("local_origin_fixed: %ld %d\n", x, cas_res);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
