// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of resource_leak_bug.c: the row communicator, the column
// datatype, both groups, the user-defined reduction and the window are freed
// before MPI_Finalize.
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
    MPI_Comm_split(MPI_COMM_WORLD, rank / 2, rank, &row);
    MPI_Datatype column;
    MPI_Type_vector(N, 1, N, MPI_INT, &column);
    MPI_Type_commit(&column);
    MPI_Group world_group, even_group;
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);
    int evens[] = {0, 2};
    MPI_Group_incl(world_group, size >= 3 ? 2 : 1, evens, &even_group);
    MPI_Op op;
    MPI_Op_create(absmax, 1, &op);
    int cell[N * N];
    for (int i = 0; i < N * N; i++)
        cell[i] = (i % 2 ? -1 : 1) * (rank * 100 + i);
    MPI_Win win;
    MPI_Win_create(cell, sizeof cell, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);

    int col[N], colmax[N], even_size;
    MPI_Group_size(even_group, &even_size);
    MPI_Sendrecv(cell, 1, column, 0, 0, col, N, MPI_INT, 0, 0, MPI_COMM_SELF, MPI_STATUS_IGNORE);
    MPI_Allreduce(col, colmax, N, MPI_INT, op, row);
    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);
    int first = 0;
    MPI_Get(&first, 1, MPI_INT, (rank + 1) % size, 0, 1, MPI_INT, win);
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);

    MPI_Win_free(&win);
    MPI_Op_free(&op);
    MPI_Group_free(&even_group);
    MPI_Group_free(&world_group);
    MPI_Type_free(&column);
    MPI_Comm_free(&row);
    if (rank == 0)
        printf("resource_leak_fixed: colmax %d, even group %d, first %d\n", colmax[N - 1], even_size, first);
    MPI_Finalize();
    return 0;
}
