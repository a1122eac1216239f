# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: target-local-conflict at=put,read ranks=0,1
# rmacheck-lint-expect: none
#
# Lock_all and Flush: rank 0 puts into rank 1's window and flushes, but tells
# rank 1 nothing; rank 1 reads its array at once (a shared epoch of its own
# gives no order). A message after the flush would order them.
# Fixed twin: guard_lockall_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(16, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)
comm.Barrier()
win.Lock_all()
if rank == 0:
    win.Put(np.arange(16, dtype='i'), 1)   # @put
    win.Flush(1)
else:
    total = int(buf.sum())                 # @read BUG: nothing orders it with the Put
win.Unlock_all()
comm.Barrier()
win.Free()
