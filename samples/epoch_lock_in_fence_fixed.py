# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# A halo exchange with fences (the last one asserts MODE_NOSUCCEED: no fence
# epoch follows), then a global counter on rank 0 updated under an
# exclusive lock; a barrier, not a fence, separates it from rank 0's check.
# Fixed twin of epoch_lock_in_fence_bug.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()

slots = np.zeros(2, dtype='i')   # [0]: from the left neighbour, [1]: counter (rank 0)
win = MPI.Win.Create(slots, disp_unit=slots.itemsize, comm=comm)

win.Fence(MPI.MODE_NOPRECEDE)
win.Put(np.array([rank], dtype='i'), (rank + 1) % size, target=0)
win.Fence(MPI.MODE_NOSUCCEED)

win.Lock(0, MPI.LOCK_EXCLUSIVE)
win.Accumulate(np.ones(1, dtype='i'), 0, target=1, op=MPI.SUM)
win.Unlock(0)
comm.Barrier()   # every rank's Accumulate is complete at rank 0

if rank == 0:
    win.Lock(0, MPI.LOCK_EXCLUSIVE)
    counter = int(slots[1])
    win.Unlock(0)
    if counter != size or slots[0] != size - 1:
        comm.Abort(1)
    print("epoch_lock_in_fence_fixed.py: OK")
win.Free()
