# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: rma-conflict at=put,get ranks=0
# rmacheck-lint-expect: none
#
# mpi4py version of race_same_origin_noflush_bug.c: rank 0 writes a row into
# rank 1's table with Put and reads it back with Get to verify it, in one
# exclusive lock epoch, without Flush in between. RMA operations from one
# origin to one target are not ordered by program order: the Get may read
# the bytes before the Put wrote them. See race_same_origin_noflush_fixed.py.
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
    win.Put(row, 1, target=0)  # @put
    win.Get(back, 1, target=0)   # @get BUG: no win.Flush(1) before the read-back
    win.Unlock(1)
    print(f"race_same_origin_noflush_bug.py: read back {back}")
win.Free()
