# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of guard_lock_bug.py: rank 1 writes its array under an
# exclusive lock of its own window, which excludes rank 0's epoch, and reads
# the result only after the barrier that follows rank 0's Unlock.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(8, dtype='d')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)
comm.Barrier()
if rank == 0:
    win.Lock(1)
    win.Put(np.full(8, 1.0), 1)
    win.Unlock(1)
else:
    win.Lock(1, MPI.LOCK_EXCLUSIVE)
    buf[:] = 2.0
    win.Unlock(1)
comm.Barrier()
if rank == 1:
    print(f"guard_lock_fixed.py: {buf.sum()}")
win.Free()
