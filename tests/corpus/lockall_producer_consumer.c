// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: rounds of produce / consume in one MPI_Win_lock_all epoch. In
// each round the producer (rank round % size) writes a batch into every
// consumer's inbox with MPI_Put and MPI_Win_flush_all; a barrier publishes
// it; the consumers then read their inbox and forward a checksum to the
// producer's result slots with MPI_Accumulate (MPI_SUM), flushed before the
// next barrier. The inbox is reused every round, ordered by the barriers.
#include <mpi.h>
#include <stdio.h>

#define BATCH 8
#define ROUNDS 4

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    // Window: inbox[BATCH], then result[ROUNDS].
    int *w;
    MPI_Win win;
    MPI_Win_allocate((BATCH + ROUNDS) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &w, &win);
    for (int i = 0; i < BATCH + ROUNDS; i++)
        w[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Win_lock_all(0, win);
    int batch[BATCH];
    for (int round = 0; round < ROUNDS; round++) {
        const int producer = round % size;
        if (rank == producer) {
            for (int i = 0; i < BATCH; i++)
                batch[i] = round * 100 + i;
            for (int r = 0; r < size; r++)
                if (r != producer)
                    MPI_Put(batch, BATCH, MPI_INT, r, 0, BATCH, MPI_INT, win);
            MPI_Win_flush_all(win);
        }
        MPI_Barrier(MPI_COMM_WORLD);
        if (rank != producer) {
            int inbox[BATCH], sum = 0;
            MPI_Get(inbox, BATCH, MPI_INT, rank, 0, BATCH, MPI_INT, win);  // my own inbox, through the window
            MPI_Win_flush(rank, win);
            for (int i = 0; i < BATCH; i++)
                sum += inbox[i];
            MPI_Accumulate(&sum, 1, MPI_INT, producer, BATCH + round, 1, MPI_INT, MPI_SUM, win);
            MPI_Win_flush(producer, win);
        }
        MPI_Barrier(MPI_COMM_WORLD);
    }
    MPI_Win_unlock_all(win);

    for (int round = 0; round < ROUNDS; round++)
        if (round % size == rank) {
            const int want = (size - 1) * (round * 100 * BATCH + BATCH * (BATCH - 1) / 2);
            if (w[BATCH + round] != want) {
                fprintf(stderr, "lockall_producer_consumer: round %d sum %d, want %d\n", round, w[BATCH + round], want);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        }
    if (rank == 0)
        printf("lockall_producer_consumer: %d rounds ok\n", ROUNDS);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
