// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a 1-D halo exchange on persistent requests, non-periodic: the end
// ranks' outer neighbour is MPI_PROC_NULL, and their requests to it are
// created, started and completed like the others. Then a nonblocking
// exchange of the same halos, where Open MPI returns one shared request for
// every operation on MPI_PROC_NULL.
#include <mpi.h>
#include <stdio.h>

#define N 10
#define STEPS 15

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    const int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;

    double u[N + 2], v[N + 2];
    for (int i = 0; i < N + 2; i++)
        u[i] = (rank == size - 1 && i == N + 1) ? 10.0 : 0.0;
    MPI_Request halo[4];
    MPI_Recv_init(&u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &halo[0]);
    MPI_Recv_init(&u[N + 1], 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &halo[1]);
    MPI_Send_init(&u[1], 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &halo[2]);
    MPI_Send_init(&u[N], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD, &halo[3]);
    for (int s = 0; s < STEPS; s++) {
        MPI_Startall(4, halo);
        MPI_Waitall(4, halo, MPI_STATUSES_IGNORE);
        for (int i = 1; i <= N; i++)
            v[i] = (u[i - 1] + u[i] + u[i + 1]) / 3;
        for (int i = 1; i <= N; i++)
            u[i] = v[i];
    }
    for (int i = 0; i < 4; i++)
        MPI_Request_free(&halo[i]);

    MPI_Request nb[4];
    MPI_Irecv(&u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &nb[0]);
    MPI_Irecv(&u[N + 1], 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &nb[1]);
    MPI_Isend(&u[1], 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &nb[2]);
    MPI_Isend(&u[N], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD, &nb[3]);
    int done = 0;
    while (!done)
        MPI_Testall(4, nb, &done, MPI_STATUSES_IGNORE);

    double local = 0, total = 0;
    for (int i = 1; i <= N; i++)
        local += u[i];
    MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    if (!(total > 0)) {
        fprintf(stderr, "persistent_halo_procnull: total %g\n", total);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("persistent_halo_procnull: heat %g\n", total);
    MPI_Finalize();
    return 0;
}
