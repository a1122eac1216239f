# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: epoch-mismatch at=fence,lock,fence2
# rmacheck-lint-expect: epoch-mismatch at=fence,lock,fence2
#
# A halo exchange with fences, followed by a global counter on rank 0
# updated under an exclusive lock, and one more fence at the end. The fence
# ending the exchange does not assert MODE_NOSUCCEED and RMA calls happen
# before the last fence: those two fences delimit a fence epoch, and the
# lock epochs are mixed into it. Open MPI runs it without complaint.
# Fixed twin: epoch_lock_in_fence_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()

slots = np.zeros(2, dtype='i')   # [0]: from the left neighbour, [1]: counter (rank 0)
win = MPI.Win.Create(slots, disp_unit=slots.itemsize, comm=comm)

win.Fence(MPI.MODE_NOPRECEDE)
win.Put(np.array([rank], dtype='i'), (rank + 1) % size, target=0)
win.Fence()  # @fence ends the exchange (BUG: should assert MODE_NOSUCCEED)

win.Lock(0, MPI.LOCK_EXCLUSIVE)  # @lock
win.Accumulate(np.ones(1, dtype='i'), 0, target=1, op=MPI.SUM)
win.Unlock(0)
win.Fence()  # @fence2 "to be safe" (BUG: mixes a fence epoch with the lock epochs)

if rank == 0:
    print(f"epoch_lock_in_fence_bug.py: counter {slots[1]} (expected {size})")
win.Free()
