// rmacheck-sample: ranks=3 timeout=60
// rmacheck-expect: none
// rmacheck-lint-expect: none
//
// Fixed twin of race_pscw_bug.c. Round 1: rank 0 exposes its buffer to ranks
// 1 and 2 (post/start/complete/wait) and each puts only its own CHUNK ints,
// so the two Puts of the epoch touch disjoint bytes. Rounds 2 and 3: the
// shared boundary slot 2*CHUNK is written by rank 1 and then by rank 2, in
// successive PSCW rounds: rank 1's Win_complete -> rank 0's Win_wait ->
// Win_post -> rank 2's Win_start orders the two Puts.
#include <mpi.h>
#include <stdio.h>

#define CHUNK 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    int all[2 * CHUNK + 1] = {0};
    MPI_Win win;
    MPI_Win_create(all, sizeof all, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Group world, workers, root, one, two;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int ids[2] = {1, 2}, zero = 0;
    MPI_Group_incl(world, 2, ids, &workers);
    MPI_Group_incl(world, 1, &zero, &root);
    MPI_Group_incl(world, 1, &ids[0], &one);
    MPI_Group_incl(world, 1, &ids[1], &two);

    if (rank == 0) {
        MPI_Win_post(workers, 0, win);   // round 1: both slices
        MPI_Win_wait(win);
        for (int round = 2; round <= 3; round++) {   // rounds 2, 3: the boundary slot
            MPI_Win_post(round == 2 ? one : two, 0, win);
            MPI_Win_wait(win);
        }
        for (int i = 0; i < 2 * CHUNK; i++)
            if (all[i] != (i / CHUNK + 1) * 100 + i % CHUNK) {
                fprintf(stderr, "race_pscw_fixed: slot %d holds %d\n", i, all[i]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        if (all[2 * CHUNK] != 2) {
            fprintf(stderr, "race_pscw_fixed: boundary slot holds %d\n", all[2 * CHUNK]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        printf("race_pscw_fixed: OK\n");
    } else {
        int slice[CHUNK];
        for (int i = 0; i < CHUNK; i++)
            slice[i] = rank * 100 + i;
        MPI_Win_start(root, 0, win);
        MPI_Put(slice, CHUNK, MPI_INT, 0, (rank - 1) * CHUNK, CHUNK, MPI_INT, win);
        MPI_Win_complete(win);
        MPI_Win_start(root, 0, win);   // round 2 (rank 1) or round 3 (rank 2)
        MPI_Put(&rank, 1, MPI_INT, 0, 2 * CHUNK, 1, MPI_INT, win);
        MPI_Win_complete(win);
    }

    MPI_Group_free(&two);
    MPI_Group_free(&one);
    MPI_Group_free(&root);
    MPI_Group_free(&workers);
    MPI_Group_free(&world);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
