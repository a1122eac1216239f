// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: resource-leak at=comm_split
// rmacheck-expect: resource-leak at=type_vector
// rmacheck-expect: resource-leak at=comm_group
// rmacheck-expect: resource-leak at=group_incl
// rmacheck-expect: resource-leak at=op_create
// rmacheck-expect: resource-leak at=win_create
// rmacheck-expect[mpich]: resource-leak at=comm_split
// rmacheck-expect[mpich]: resource-leak at=type_vector
// rmacheck-expect[mpich]: resource-leak at=comm_group
// rmacheck-expect[mpich]: resource-leak at=group_incl
// rmacheck-expect[mpich]: resource-leak at=op_create
// rmacheck-expect[mpich]: resource-leak at=win_create
// rmacheck-expect[mpich]: program-failed at=finalize
//   (MPICH's MPI_Finalize with the window still allocated trips UCX's assertion `region->refcount == 0'
//   in ucp_rcache on some ranks, which abort)
// rmacheck-lint-expect: resource-leak at=type_vector
// rmacheck-lint-expect: resource-leak at=group_incl
// rmacheck-lint-expect: resource-leak at=op_create
// rmacheck-lint-expect: resource-leak at=comm_split
// rmacheck-lint-expect: resource-leak at=win_create
// rmacheck-lint-expect: resource-leak at=comm_group
//
// BUG (warnings): MPI objects never freed. A 2D-grid program makes a row
// communicator, a strided column datatype, the group of the even ranks, a
// user-defined reduction and an RMA window, uses them all, and ends without
// MPI_Comm_free / MPI_Type_free / MPI_Group_free / MPI_Op_free /
// MPI_Win_free: every object is still allocated at MPI_Finalize. The fixed
// twin is resource_leak_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define N 4

static void absmax(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    int *a = in, *b = inout;
    for (int i = 0; i < *len; i++) {
        int x = a[i] < 0 ? -a[i] : a[i], y = b[i] < 0 ? -b[i] : b[i];
        b[i] = x > y ? x : y;
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    MPI_Comm row;
    MPI_Comm_split(MPI_COMM_WORLD, rank / 2, rank, &row);  // @comm_split
    MPI_Datatype column;
    MPI_Type_vector(N, 1, N, MPI_INT, &column);  // @type_vector
    MPI_Type_commit(&column);
    MPI_Group world_group, even_group;
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);  // @comm_group
    int evens[] = {0, 2};
    MPI_Group_incl(world_group, size >= 3 ? 2 : 1, evens, &even_group);  // @group_incl
    MPI_Op op;
    MPI_Op_create(absmax, 1, &op);  // @op_create
    int cell[N * N];
    for (int i = 0; i < N * N; i++)
        cell[i] = (i % 2 ? -1 : 1) * (rank * 100 + i);
    MPI_Win win;
    MPI_Win_create(cell, sizeof cell, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);  // @win_create

    int col[N], colmax[N], even_size;
    MPI_Group_size(even_group, &even_size);
    MPI_Sendrecv(cell, 1, column, 0, 0, col, N, MPI_INT, 0, 0, MPI_COMM_SELF, MPI_STATUS_IGNORE);
    MPI_Allreduce(col, colmax, N, MPI_INT, op, row);
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    int first = 0;
    MPI_Get(&first, 1, MPI_INT, (rank + 1) % size, 0, 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    if (rank == 0)
        printf("resource_leak_bug: colmax %d, even group %d, first %d\n", colmax[N - 1], even_size, first);
    MPI_Finalize();  // @finalize
    return 0;
}
