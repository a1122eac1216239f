# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of guard_get_result_bug.py: rank 0 reads the Get's result array
# after the closing Fence, and after Unlock.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

mem = np.arange(8, dtype='d') + 10 * rank
win = MPI.Win.Create(mem, disp_unit=mem.itemsize, comm=comm)
got = np.zeros(8, dtype='d')
win.Fence()
if rank == 0:
    win.Get(got, 1)
win.Fence()
if rank == 0:
    assert got[0] == 10.0, got
comm.Barrier()
if rank == 0:
    win.Lock(1)
    win.Get(got, 1)
    win.Unlock(1)
    assert got.sum() == 108.0, got
comm.Barrier()
win.Free()
