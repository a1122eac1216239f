// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: the special arguments MPI allows, each in the way real codes use
// it, none of which is an invalid argument (invalid-arg must stay silent):
// - MPI_PROC_NULL neighbours at the ends of a non-periodic shift (with a
//   NULL, zero-count buffer on the ends' missing side), and as an RMA target;
// - MPI_ANY_SOURCE / MPI_ANY_TAG receives, answered by their status;
// - MPI_BOTTOM with a struct datatype of absolute addresses (MPI_Get_address);
// - zero-count calls with NULL buffers (Send, Recv, Put, Allreduce);
// - MPI_IN_PLACE in Allreduce and Gather;
// - a window of size 0 with a NULL base on the ranks that expose nothing;
// - MPI_Type_dup of a committed type, used without a commit of its own;
// - an intercommunicator: Bcast with MPI_ROOT / MPI_PROC_NULL in the root's
//   group and the remote root's rank in the other, point-to-point to remote
//   ranks, then Intercomm_merge.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "usage_special_args: wrong result: %s\n", what);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    // Non-periodic shift right with MPI_PROC_NULL at the ends.
    int left = rank > 0 ? rank - 1 : MPI_PROC_NULL, right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
    double mine = rank, ghost = -1.0;
    MPI_Sendrecv(&mine, 1, MPI_DOUBLE, right, 1, &ghost, 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    check(rank == 0 ? ghost == -1.0 : ghost == rank - 1, "shift");
    // The ends send nothing they do not have: a NULL buffer with count 0.
    MPI_Send(NULL, 0, MPI_DOUBLE, right, 2, MPI_COMM_WORLD);
    MPI_Recv(NULL, 0, MPI_DOUBLE, left, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);

    // Wildcard receives on rank 0: every other rank reports, in any order.
    if (rank == 0) {
        int sum = 0;
        for (int k = 1; k < size; ++k) {
            int v;
            MPI_Status st;
            MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            check(st.MPI_TAG == 10 + st.MPI_SOURCE && v == st.MPI_SOURCE, "wildcard status");
            sum += v;
        }
        check(sum == size * (size - 1) / 2, "wildcard sum");
    } else {
        MPI_Send(&rank, 1, MPI_INT, 0, 10 + rank, MPI_COMM_WORLD);
    }

    // MPI_BOTTOM with absolute addresses: an int and a double sent as one struct.
    int count = 0;
    double weight = 0.0;
    MPI_Aint addrs[2];
    MPI_Get_address(&count, &addrs[0]);
    MPI_Get_address(&weight, &addrs[1]);
    int lens[2] = {1, 1};
    MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, record;
    MPI_Type_create_struct(2, lens, addrs, types, &record);
    MPI_Type_commit(&record);
    if (rank == 0) {
        count = 42;
        weight = 2.5;
        MPI_Send(MPI_BOTTOM, 1, record, 1, 3, MPI_COMM_WORLD);
    } else if (rank == 1) {
        MPI_Recv(MPI_BOTTOM, 1, record, 0, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        check(count == 42 && weight == 2.5, "MPI_BOTTOM record");
    }
    MPI_Type_free(&record);

    // A dup of a committed type needs no commit of its own.
    MPI_Datatype pair, pair2;
    MPI_Type_contiguous(2, MPI_INT, &pair);
    MPI_Type_commit(&pair);
    MPI_Type_dup(pair, &pair2);
    int two[2] = {rank, rank}, got[2] = {-1, -1};
    MPI_Sendrecv(two, 1, pair2, right, 4, got, 1, pair2, left, 4, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    check(rank == 0 || got[1] == rank - 1, "dup type");
    MPI_Type_free(&pair2);
    MPI_Type_free(&pair);

    // MPI_IN_PLACE, and a zero-count reduction with NULL buffers.
    int total = rank;
    MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    check(total == size * (size - 1) / 2, "in-place allreduce");
    MPI_Allreduce(NULL, NULL, 0, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    int *all = rank == 0 ? malloc(sizeof(int) * (size_t)size) : NULL;
    if (rank == 0) {
        all[0] = 0;
        MPI_Gather(MPI_IN_PLACE, 1, MPI_INT, all, 1, MPI_INT, 0, MPI_COMM_WORLD);
        for (int k = 0; k < size; ++k) check(all[k] == k, "in-place gather");
    } else {
        MPI_Gather(&rank, 1, MPI_INT, NULL, 0, MPI_INT, 0, MPI_COMM_WORLD);
    }
    free(all);

    // A window only rank 0 exposes memory in: the others pass NULL and size 0.
    double *table = rank == 0 ? calloc((size_t)size, sizeof(double)) : NULL;
    MPI_Win win;
    MPI_Win_create(table, rank == 0 ? (MPI_Aint)(size * sizeof(double)) : 0, sizeof(double), MPI_INFO_NULL,
                   MPI_COMM_WORLD, &win);
    MPI_Win_fence(0, win);
    MPI_Put(&mine, 1, MPI_DOUBLE, 0, rank, 1, MPI_DOUBLE, win);
    MPI_Put(NULL, 0, MPI_DOUBLE, 0, 0, 0, MPI_DOUBLE, win);           // zero count, NULL origin
    MPI_Put(&mine, 1, MPI_DOUBLE, MPI_PROC_NULL, 0, 1, MPI_DOUBLE, win);  // no target: does nothing
    MPI_Win_fence(0, win);
    if (rank == 0)
        for (int k = 0; k < size; ++k) check(table[k] == k, "window");
    MPI_Win_free(&win);
    free(table);

    // An intercommunicator between the even and the odd ranks.
    MPI_Comm half, inter;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
    int hrank;
    MPI_Comm_rank(half, &hrank);
    MPI_Intercomm_create(half, 0, MPI_COMM_WORLD, rank % 2 == 0 ? 1 : 0, 99, &inter);
    int word = rank % 2 == 0 ? 0 : 7;
    if (rank % 2 == 0)  // the even group's rank 0 is the root
        MPI_Bcast(&word, 1, MPI_INT, hrank == 0 ? MPI_ROOT : MPI_PROC_NULL, inter);
    else
        MPI_Bcast(&word, 1, MPI_INT, 0, inter);
    check(rank % 2 == 0 ? word == 0 : word == 0, "intercomm bcast");
    int echo = rank;
    if (hrank == 0) {  // the two leaders talk across: remote rank 0
        int back;
        MPI_Sendrecv(&echo, 1, MPI_INT, 0, 5, &back, 1, MPI_INT, 0, 5, inter, MPI_STATUS_IGNORE);
        check(back == (rank == 0 ? 1 : 0), "intercomm sendrecv");
    }
    MPI_Comm merged;
    MPI_Intercomm_merge(inter, rank % 2, &merged);
    int msize;
    MPI_Comm_size(merged, &msize);
    check(msize == size, "merge");
    MPI_Comm_free(&merged);
    MPI_Comm_free(&inter);
    MPI_Comm_free(&half);

    if (rank == 0) printf("usage_special_args: ok\n");
    MPI_Finalize();
    return 0;
}
