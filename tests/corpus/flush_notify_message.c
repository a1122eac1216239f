// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: passive-target writes announced by messages. In a lock_all epoch
// each rank writes a record into its right neighbour's window, calls
// MPI_Win_flush (the record is complete at the target), and only then tells
// the neighbour with MPI_Send; the neighbour MPI_Recvs the notice and reads
// the record with MPI_Get from its own window. Flush-then-send orders the
// write before everything the receiver does after the receive.
#include <mpi.h>
#include <stdio.h>

#define LEN 6

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int left = (rank + size - 1) % size, right = (rank + 1) % size;

    int *inbox;
    MPI_Win win;
    MPI_Win_allocate(LEN * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &inbox, &win);
    for (int i = 0; i < LEN; i++)
        inbox[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Win_lock_all(0, win);
    for (int round = 1; round <= 3; round++) {
        int record[LEN], notice = round, got_notice = 0, copy[LEN];
        for (int i = 0; i < LEN; i++)
            record[i] = round * 100 + rank * 10 + i;
        MPI_Put(record, LEN, MPI_INT, right, 0, LEN, MPI_INT, win);
        MPI_Win_flush(right, win);
        MPI_Sendrecv(&notice, 1, MPI_INT, right, round, &got_notice, 1, MPI_INT, left, round, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        MPI_Get(copy, LEN, MPI_INT, rank, 0, LEN, MPI_INT, win);
        MPI_Win_flush(rank, win);
        if (got_notice != round || copy[LEN - 1] != round * 100 + left * 10 + LEN - 1) {
            fprintf(stderr, "flush_notify_message: rank %d round %d got %d\n", rank, round, copy[LEN - 1]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        MPI_Barrier(MPI_COMM_WORLD);  // everyone has read the inbox before the next round overwrites it
    }
    MPI_Win_unlock_all(win);
    if (rank == 0)
        printf("flush_notify_message: 3 rounds ok\n");
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
