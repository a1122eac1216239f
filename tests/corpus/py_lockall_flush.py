# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): producer / consumer in one Lock_all epoch. Rank 0 Puts a
# batch into every other rank's window and Flush_all()es it; a Barrier
# publishes it; each consumer Gets its own copy through the window and
# Flush()es before the next Barrier, after which the producer overwrites.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
B = 8

win = MPI.Win.Allocate(B * 8, disp_unit=8, comm=comm)
inbox = np.frombuffer(win.tomemory(), dtype='d')
inbox[:] = 0
comm.Barrier()

win.Lock_all()
for rnd in range(3):
    if rank == 0:
        batch = np.arange(B, dtype='d') + 10 * rnd
        for r in range(1, size):
            win.Put(batch, r)
        win.Flush_all()
    comm.Barrier()
    if rank != 0:
        copy = np.empty(B, dtype='d')
        win.Get(copy, rank)
        win.Flush(rank)
        if copy[B - 1] != B - 1 + 10 * rnd:
            print(f"py_lockall_flush.py: rank {rank} round {rnd} got {copy}", file=sys.stderr)
            comm.Abort(1)
    comm.Barrier()
win.Unlock_all()
if rank == 0:
    print("py_lockall_flush.py: 3 rounds ok")
win.Free()
