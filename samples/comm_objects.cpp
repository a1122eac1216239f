// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// MPI objects from C++ with std::vector buffers, each created, used and freed:
//   MPI_Init_thread; communicators from MPI_Comm_dup, MPI_Comm_split and
//   MPI_Comm_create (group from MPI_Group_incl); datatypes from
//   MPI_Type_contiguous, MPI_Type_vector + MPI_Type_create_resized (matrix
//   columns), MPI_Type_create_struct, MPI_Type_create_subarray; a user
//   reduction from MPI_Op_create.
#include <mpi.h>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <numeric>
#include <vector>

namespace {

void fail(int rank, const char *what)
{
    std::fprintf(stderr, "comm_objects: rank %d: wrong %s\n", rank, what);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

struct Particle {
    int id;
    double pos[3];
    char kind;
};

// Element-wise maximum of |x| over triples of doubles (the vec3 type).
void max_abs(void *in, void *inout, int *len, MPI_Datatype *)
{
    auto *a = static_cast<double *>(in), *b = static_cast<double *>(inout);
    for (int i = 0; i < 3 * *len; i++)
        b[i] = std::max(std::abs(a[i]), std::abs(b[i]));
}

}  // namespace

int main(int argc, char **argv)
{
    int provided, rank, size;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);   // single-threaded use only
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    MPI_Comm lib, parity, half;   // a private duplicate, even/odd ranks, the lower half
    MPI_Comm_dup(MPI_COMM_WORLD, &lib);
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &parity);
    MPI_Group world_group, half_group;
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);
    std::vector<int> lower((size + 1) / 2);
    std::iota(lower.begin(), lower.end(), 0);
    MPI_Group_incl(world_group, (int)lower.size(), lower.data(), &half_group);
    MPI_Comm_create(MPI_COMM_WORLD, half_group, &half);   // MPI_COMM_NULL outside the group
    int prank, psize;
    MPI_Comm_rank(parity, &prank);
    MPI_Comm_size(parity, &psize);
    if (prank != rank / 2 || (half != MPI_COMM_NULL) != (rank < (int)lower.size()))
        fail(rank, "communicator membership");

    // Columns of a rows x size row-major matrix on rank 0, one column per rank:
    // the resized extent of one int makes column k start at element k.
    const int rows = 5;
    MPI_Datatype column, column_at_int;
    MPI_Type_vector(rows, 1, size, MPI_INT, &column);
    MPI_Type_create_resized(column, 0, sizeof(int), &column_at_int);
    MPI_Type_commit(&column_at_int);
    std::vector<int> matrix(rank == 0 ? rows * size : 0), col(rows);
    for (int i = 0; i < (int)matrix.size(); i++)
        matrix[i] = (i / size) * 10 + i % size;   // row*10 + column
    MPI_Scatter(matrix.data(), 1, column_at_int, col.data(), rows, MPI_INT, 0, lib);
    for (int r = 0; r < rows; r++)
        if (col[r] != r * 10 + rank)
            fail(rank, "column scatter");

    // Particles gathered inside the parity communicator.
    MPI_Datatype particle_raw, particle;
    int lengths[3] = {1, 3, 1};
    MPI_Aint displs[3] = {offsetof(Particle, id), offsetof(Particle, pos), offsetof(Particle, kind)};
    MPI_Datatype types[3] = {MPI_INT, MPI_DOUBLE, MPI_CHAR};
    MPI_Type_create_struct(3, lengths, displs, types, &particle_raw);
    MPI_Type_create_resized(particle_raw, 0, sizeof(Particle), &particle);   // trailing padding
    MPI_Type_commit(&particle);
    Particle me{rank, {rank * 1.0, rank * 2.0, -rank * 3.0}, static_cast<char>('a' + rank)};
    std::vector<Particle> all(psize);
    MPI_Allgather(&me, 1, particle, all.data(), 1, particle, parity);
    for (int i = 0; i < psize; i++) {
        int r = 2 * i + rank % 2;
        if (all[i].id != r || all[i].pos[2] != -r * 3.0 || all[i].kind != 'a' + r)
            fail(rank, "particle allgather");
    }

    // The interior of a 4x4 tile with a ghost border, sent to the xor partner.
    const int n = 4, sizes[2] = {n + 2, n + 2}, sub[2] = {n, n}, starts[2] = {1, 1};
    MPI_Datatype interior;
    MPI_Type_create_subarray(2, sizes, sub, starts, MPI_ORDER_C, MPI_DOUBLE, &interior);
    MPI_Type_commit(&interior);
    std::vector<double> tile((n + 2) * (n + 2), -1.0), packed(n * n);
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= n; j++)
            tile[i * (n + 2) + j] = rank * 100 + (i - 1) * n + (j - 1);
    int partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    MPI_Sendrecv(tile.data(), 1, interior, partner, 0, packed.data(), n * n, MPI_DOUBLE, partner, 0,
                 lib, MPI_STATUS_IGNORE);
    for (int k = 0; k < n * n; k++)
        if (packed[k] != partner * 100 + k)
            fail(rank, "subarray exchange");

    // User op over a contiguous type of 3 doubles, inside the lower half.
    MPI_Datatype vec3;
    MPI_Type_contiguous(3, MPI_DOUBLE, &vec3);
    MPI_Type_commit(&vec3);
    MPI_Op max_abs_op;
    MPI_Op_create(max_abs, /*commute=*/1, &max_abs_op);
    if (half != MPI_COMM_NULL) {
        std::vector<double> v = {-1.0 * rank, 0.5, rank % 2 ? 3.0 : -4.0}, m(3);
        MPI_Allreduce(v.data(), m.data(), 1, vec3, max_abs_op, half);
        // rank 0 contributes -4.0 in the last component, so its maximum |x| is 4.
        if (m[0] != (int)lower.size() - 1 || m[1] != 0.5 || m[2] != 4.0)
            fail(rank, "user-op allreduce");
    }

    MPI_Op_free(&max_abs_op);
    MPI_Type_free(&vec3);
    MPI_Type_free(&interior);
    MPI_Type_free(&particle);
    MPI_Type_free(&particle_raw);
    MPI_Type_free(&column_at_int);
    MPI_Type_free(&column);
    if (half != MPI_COMM_NULL)
        MPI_Comm_free(&half);
    MPI_Group_free(&half_group);
    MPI_Group_free(&world_group);
    MPI_Comm_free(&parity);
    MPI_Comm_free(&lib);
    if (rank == 0)
        std::printf("comm_objects: OK\n");
    MPI_Finalize();
    return 0;
}
