// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Corpus (lint): a solver's setup in the style of library code. setup()
// creates a window, a derived datatype and a pair of persistent requests
// and, when any step fails, frees everything made so far and returns an
// error code (early returns, and a goto cleanup chain in teardown order).
// The caller owns what setup() hands back and frees it in teardown().
// Every path frees what it created: lint must not report a leak on the
// error paths, nor on the success path where the handles leave through the
// struct.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define N 32

struct solver {
    double *field;
    MPI_Win win;
    MPI_Datatype column;
    MPI_Request halo[2];
    double ghost[2];
};

static int setup(struct solver *s, MPI_Comm comm, int left, int right)
{
    MPI_Win win;
    MPI_Datatype column;
    MPI_Request recv_left, send_right;
    double *field = malloc(N * sizeof(double));
    if (field == NULL)
        return -1;
    for (int i = 0; i < N; i++)
        field[i] = i;
    if (MPI_Win_create(field, N * sizeof(double), sizeof(double), MPI_INFO_NULL, comm, &win) != MPI_SUCCESS) {
        free(field);
        return -2;
    }
    if (MPI_Type_vector(N / 4, 1, 4, MPI_DOUBLE, &column) != MPI_SUCCESS) {
        MPI_Win_free(&win);
        free(field);
        return -3;
    }
    MPI_Type_commit(&column);
    if (MPI_Recv_init(&s->ghost[0], 1, MPI_DOUBLE, left, 7, comm, &recv_left) != MPI_SUCCESS)
        goto fail_type;
    if (MPI_Send_init(&field[N - 1], 1, MPI_DOUBLE, right, 7, comm, &send_right) != MPI_SUCCESS)
        goto fail_recv;
    s->field = field;
    s->win = win;
    s->column = column;
    s->halo[0] = recv_left;
    s->halo[1] = send_right;
    return 0;

fail_recv:
    MPI_Request_free(&recv_left);
fail_type:
    MPI_Type_free(&column);
    MPI_Win_free(&win);
    free(field);
    return -4;
}

static void teardown(struct solver *s)
{
    MPI_Request_free(&s->halo[0]);
    MPI_Request_free(&s->halo[1]);
    MPI_Type_free(&s->column);
    MPI_Win_free(&s->win);
    free(s->field);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int left = (rank + size - 1) % size, right = (rank + 1) % size;

    struct solver s;
    int rc = setup(&s, MPI_COMM_WORLD, left, right);
    if (rc != 0) {
        fprintf(stderr, "rank %d: setup failed (%d)\n", rank, rc);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (int it = 0; it < 3; it++) {
        MPI_Startall(2, s.halo);
        MPI_Waitall(2, s.halo, MPI_STATUSES_IGNORE);
    }
    if (s.ghost[0] != N - 1) {
        fprintf(stderr, "rank %d: ghost %g\n", rank, s.ghost[0]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    // One strided Get of the right neighbour's every fourth element.
    double strided[N / 4];
    MPI_Win_fence(0, s.win);
    MPI_Get(strided, N / 4, MPI_DOUBLE, right, 0, 1, s.column, s.win);
    MPI_Win_fence(0, s.win);
    if (strided[1] != 4) {
        fprintf(stderr, "rank %d: strided[1] %g\n", rank, strided[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    teardown(&s);
    if (rank == 0)
        printf("lint_setup_error_paths: ok\n");
    MPI_Finalize();
    return 0;
}
