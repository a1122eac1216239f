# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: origin-buffer-conflict at=get_f,read_f ranks=0
# rmacheck-expect: origin-buffer-conflict at=get_l,read_l ranks=0
# rmacheck-lint-expect: origin-buffer-conflict at=get_f,read_f
# rmacheck-lint-expect: origin-buffer-conflict at=get_l,read_l
#
# The result array of a Get belongs to MPI until the call that completes the
# Get: rank 0 reads it before the closing Fence, and again before Unlock.
# Fixed twin: guard_get_result_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

mem = np.arange(8, dtype='d') + 10 * rank
win = MPI.Win.Create(mem, disp_unit=mem.itemsize, comm=comm)
got = np.zeros(8, dtype='d')
win.Fence()
if rank == 0:
    win.Get(got, 1)                 # @get_f
    first = got[0]                  # @read_f BUG: before the closing Fence
win.Fence()
comm.Barrier()
if rank == 0:
    win.Lock(1)
    win.Get(got, 1)                 # @get_l
    s = got.sum()                   # @read_l BUG: before Unlock
    win.Unlock(1)
comm.Barrier()
win.Free()
