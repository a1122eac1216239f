// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: assert-violation at=put,win_fence
// rmacheck-lint-expect: none
//
// Several rounds of a ring shift: in round k every rank puts a value into
// slot k of its right neighbour. Every fence asserts MPI_MODE_NOPRECEDE
// ("no RMA call to complete"), but the fences inside the loop DO complete
// the Puts of the round before them: the assertion is false and the MPI
// library may skip the completion. Fixed twin: fence_noprecede_fixed.c.
#include <mpi.h>
#include <stdio.h>

#define ROUNDS 3

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int *slots;
    MPI_Win win;
    MPI_Win_allocate(ROUNDS * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &slots, &win);
    for (int k = 0; k < ROUNDS; k++)
        slots[k] = -1;

    MPI_Win_fence(MPI_MODE_NOPRECEDE, win);   // correct: nothing is pending yet
    for (int k = 0; k < ROUNDS; k++) {
        int value = rank * 10 + k;
        MPI_Put(&value, 1, MPI_INT, right, k, 1, MPI_INT, win);  // @put
        MPI_Win_fence(MPI_MODE_NOPRECEDE, win);   // @win_fence BUG: completes the Put above
    }

    for (int k = 0; k < ROUNDS; k++)
        if (slots[k] != left * 10 + k)
            fprintf(stderr, "rank %d: slot %d holds %d\n", rank, k, slots[k]);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
