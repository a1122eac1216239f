# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: target-local-conflict at=put,store ranks=0,1
# rmacheck-lint-expect: none
#
# Passive target: rank 0 locks rank 1's window and puts into it; rank 1
# writes the same array meanwhile without locking its own window. Only the
# owner's own (exclusive) lock orders its stores with a remote Put; here the
# barrier comes after both. Fixed twin: guard_lock_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(8, dtype='d')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)
comm.Barrier()
if rank == 0:
    win.Lock(1)
    win.Put(np.full(8, 1.0), 1)       # @put
    win.Unlock(1)
else:
    buf[:] = 2.0                      # @store BUG: races with rank 0's Put
comm.Barrier()
win.Free()
