# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a shared log on rank 0 written under exclusive locks.
# Each rank appends one record: it reads the log length, writes its record
# at that position and bumps the length, all inside one Lock(EXCLUSIVE) /
# Unlock epoch (Get, Flush, Put): exclusive epochs on one target never
# overlap. Rank 0 reads the log under a lock on itself after a barrier.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()

log = np.zeros(1 + size, dtype='i')   # [0] length, then records
win = MPI.Win.Create(log, disp_unit=log.itemsize, comm=comm)
comm.Barrier()

length = np.zeros(1, dtype='i')
record = np.array([100 + rank], dtype='i')
newlen = np.zeros(1, dtype='i')
win.Lock(0, MPI.LOCK_EXCLUSIVE)
win.Get(length, 0, target=(0, 1, MPI.INT))
win.Flush(0)
win.Put(record, 0, target=(1 + int(length[0]), 1, MPI.INT))
newlen[0] = length[0] + 1
win.Put(newlen, 0, target=(0, 1, MPI.INT))
win.Unlock(0)
comm.Barrier()

if rank == 0:
    win.Lock(0, MPI.LOCK_EXCLUSIVE)
    entries = sorted(int(x) for x in log[1:1 + int(log[0])])
    win.Unlock(0)
    if entries != [100 + r for r in range(size)]:
        print(f"py_lock_unlock.py: log {entries}", file=sys.stderr)
        comm.Abort(1)
    print(f"py_lock_unlock.py: {len(entries)} records")
win.Free()
