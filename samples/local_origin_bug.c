// rmacheck-sample: ranks=2 timeout=60 build=instrumented
// rmacheck-lint-expect: origin-buffer-conflict at=put,w_put
// rmacheck-lint-expect: origin-buffer-conflict at=acc,w_acc
// rmacheck-lint-expect: origin-buffer-conflict at=get,r_get
// rmacheck-lint-expect: origin-buffer-conflict at=getacc,r_getacc
// rmacheck-lint-expect: origin-buffer-conflict at=fop,r_fop
// rmacheck-lint-expect: origin-buffer-conflict at=cas,w_cas
// rmacheck-lint-expect: origin-buffer-conflict at=rput,w_rput
// rmacheck-lint-expect: origin-buffer-conflict at=rget,r_rget
// rmacheck-expect: origin-buffer-conflict at=put,w_put ranks=0
// rmacheck-expect: origin-buffer-conflict at=acc,w_acc ranks=0
// rmacheck-expect: origin-buffer-conflict at=get,r_get ranks=0
// rmacheck-expect: origin-buffer-conflict at=getacc,r_getacc ranks=0
// rmacheck-expect: origin-buffer-conflict at=fop,r_fop ranks=0
// rmacheck-expect: origin-buffer-conflict at=cas,w_cas ranks=0
// rmacheck-expect: origin-buffer-conflict at=rput,w_rput ranks=0
// rmacheck-expect: origin-buffer-conflict at=rget,r_rget ranks=0
//
// The origin side: rank 0 reuses the buffers of its RMA operations before
// the call that completes them. A Put/Accumulate origin buffer must not be
// written, and a Get/Get_accumulate/Fetch_and_op/Compare_and_swap result
// buffer must not be read or written, until the operation is complete at
// the origin (here: MPI_Win_flush, MPI_Win_flush_local, MPI_Win_unlock, or
// the MPI_Wait of an Rput/Rget). Fixed twin: local_origin_fixed.c.
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
        MPI_Put(put_buf, 4, MPI_INT, 1, 0, 4, MPI_INT, win);                                    // @put
        put_buf[0] = 5;                                                                         // @w_put BUG
        MPI_Accumulate(acc_buf, 4, MPI_INT, 1, 4, 4, MPI_INT, MPI_SUM, win);                    // @acc
        acc_buf[1] = 2;                                                                         // @w_acc BUG
        MPI_Get(get_buf, 4, MPI_INT, 1, 8, 4, MPI_INT, win);                                    // @get
        x += get_buf[2];                                                                        // @r_get BUG
        MPI_Win_flush_local(1, win);
        MPI_Get_accumulate(&one, 1, MPI_INT, gacc_res, 1, MPI_INT, 1, 12, 1, MPI_INT, MPI_SUM, win);  // @getacc
        x += gacc_res[0];                                                                       // @r_getacc BUG
        MPI_Fetch_and_op(&one, &fop_res, MPI_INT, 1, 13, MPI_SUM, win);                         // @fop
        x += fop_res;                                                                           // @r_fop BUG
        MPI_Win_flush(1, win);
        MPI_Compare_and_swap(&two, &one, &cas_res, MPI_INT, 1, 14, win);                        // @cas
        cas_res = -1;                                                                           // @w_cas BUG
        MPI_Win_unlock(1, win);
        MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);
        MPI_Rput(rput_buf, 2, MPI_INT, 1, 0, 2, MPI_INT, win, &req[0]);                         // @rput
        rput_buf[1] = 8;                                                                        // @w_rput BUG
        MPI_Rget(rget_buf, 2, MPI_INT, 1, 8, 2, MPI_INT, win, &req[1]);                         // @rget
        x += rget_buf[0];                                                                       // @r_rget BUG
        MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
        MPI_Win_unlock(1, win);
        printf("local_origin_bug: %ld\n", x);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
