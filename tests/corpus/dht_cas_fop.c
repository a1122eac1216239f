// rmacheck-sample: ranks=4 timeout=60
// rmacheck-expect: none
//
// Corpus: a distributed hash table with open addressing. Every rank owns
// SLOTS slots (key, value) in one window; a key's home is (rank, slot) by
// hash. Inserting claims a slot with MPI_Compare_and_swap on its key (linear
// probing on failure), then writes the value with MPI_Put: only the rank
// that won a slot writes its value. Each rank counts its inserts into rank
// 0's counter with MPI_Fetch_and_op(MPI_SUM). After a barrier (the inserts
// were flushed), every rank looks keys up with MPI_Fetch_and_op(MPI_NO_OP)
// and MPI_Get.
#include <mpi.h>
#include <stdio.h>

#define SLOTS 32
#define PER_RANK 12
#define EMPTY (-1)

struct slot {
    int key, value;
};

static void home(int key, int size, int *rank, int *slot)
{
    unsigned h = (unsigned)key * 2654435761u;
    *rank = (int)(h % (unsigned)size);
    *slot = (int)((h / (unsigned)size) % SLOTS);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    struct slot *table;
    MPI_Win win;
    // Slot s is ints 2s (key) and 2s+1 (value); int SLOTS*2 on rank 0 counts inserts.
    MPI_Win_allocate((2 * SLOTS + 1) * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &table, &win);
    for (int s = 0; s < SLOTS; s++)
        table[s].key = EMPTY, table[s].value = 0;
    ((int *)table)[2 * SLOTS] = 0;
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Win_lock_all(0, win);
    const int one = 1, empty = EMPTY;
    for (int i = 0; i < PER_RANK; i++) {
        const int key = rank * 100 + i, value = key * 3;
        int r, s, probes = 0, old;
        home(key, size, &r, &s);
        for (;;) {
            MPI_Compare_and_swap(&key, &empty, &old, MPI_INT, r, 2 * s, win);
            MPI_Win_flush(r, win);
            if (old == EMPTY || old == key)
                break;
            if (++probes == size * SLOTS) {
                fprintf(stderr, "dht_cas_fop: table full\n");
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            if (++s == SLOTS)
                s = 0, r = (r + 1) % size;
        }
        MPI_Put(&value, 1, MPI_INT, r, 2 * s + 1, 1, MPI_INT, win);
        int before;
        MPI_Fetch_and_op(&one, &before, MPI_INT, 0, 2 * SLOTS, MPI_SUM, win);
        MPI_Win_flush_all(win);
    }
    MPI_Barrier(MPI_COMM_WORLD);  // every insert is complete at its target

    int found = 0;
    const int other = (rank + 1) % size;
    for (int i = 0; i < PER_RANK; i++) {
        const int key = other * 100 + i;
        int r, s, k = EMPTY, v = -1;
        home(key, size, &r, &s);
        for (int probes = 0; probes < size * SLOTS; probes++) {
            MPI_Fetch_and_op(NULL, &k, MPI_INT, r, 2 * s, MPI_NO_OP, win);
            MPI_Win_flush(r, win);
            if (k == key || k == EMPTY)
                break;
            if (++s == SLOTS)
                s = 0, r = (r + 1) % size;
        }
        if (k == key) {
            MPI_Get(&v, 1, MPI_INT, r, 2 * s + 1, 1, MPI_INT, win);
            MPI_Win_flush(r, win);
            found += v == key * 3;
        }
    }
    int count = 0;
    MPI_Fetch_and_op(NULL, &count, MPI_INT, 0, 2 * SLOTS, MPI_NO_OP, win);
    MPI_Win_unlock_all(win);
    if (found != PER_RANK || count != size * PER_RANK) {
        fprintf(stderr, "dht_cas_fop: rank %d found %d of %d, count %d\n", rank, found, PER_RANK, count);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("dht_cas_fop: %d keys inserted and found\n", count);
    MPI_Win_free(&win);
    MPI_Finalize();
    return 0;
}
