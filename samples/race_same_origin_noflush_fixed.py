# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of race_same_origin_noflush_bug.py: rank 0 writes a row into rank
# 1's table with Put, completes it at rank 1 with Flush, and only then reads
# it back with Get, all in one exclusive lock epoch.
import sys

import numpy as np
from mpi4py import MPI

N = 8
comm = MPI.COMM_WORLD
rank = comm.Get_rank()

table = np.zeros(N, dtype='i')
win = MPI.Win.Create(table, disp_unit=table.itemsize, comm=comm)

if rank == 0:
    row = np.arange(N, dtype='i') * 10 + 1
    back = np.zeros(N, dtype='i')
    win.Lock(1, MPI.LOCK_EXCLUSIVE)
    win.Put(row, 1, target=0)
    win.Flush(1)                 # the Put is complete at rank 1
    win.Get(back, 1, target=0)
    win.Unlock(1)
    if not np.array_equal(back, row):
        print(f"race_same_origin_noflush_fixed.py: read back {back}", file=sys.stderr)
        comm.Abort(1)
    print("race_same_origin_noflush_fixed.py: OK")
win.Free()
