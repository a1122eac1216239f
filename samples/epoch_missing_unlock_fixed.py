# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Every rank adds its rank to a total on rank 0 with Accumulate under a
# shared lock; the Unlock completes the Accumulate at rank 0, and rank 0
# reads the total after a barrier, under an exclusive lock on itself.
# Fixed twin of epoch_missing_unlock_bug.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()

total = np.zeros(1, dtype='i')
win = MPI.Win.Create(total, disp_unit=total.itemsize, comm=comm)

mine = np.array([rank], dtype='i')
win.Lock(0, MPI.LOCK_SHARED)
win.Accumulate(mine, 0, op=MPI.SUM)
win.Unlock(0)

comm.Barrier()
if rank == 0:
    win.Lock(0, MPI.LOCK_EXCLUSIVE)
    got = int(total[0])
    win.Unlock(0)
    if got != size * (size - 1) // 2:
        comm.Abort(1)
    print("epoch_missing_unlock_fixed.py: OK")
win.Free()
