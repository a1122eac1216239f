# rmacheck-sample: ranks=3 timeout=60
# rmacheck-expect: origin-buffer-conflict at=get,send ranks=0
# rmacheck-lint-expect: origin-buffer-conflict at=get,send
#
# mpi4py version of race_origin_get_send_bug.c: rank 0 fetches a block from
# rank 1's window with Get and forwards it to rank 2 with Send before the
# closing Fence. The Get may still be writing `block` until that fence: the
# Send reads a buffer in use by a pending Get. See race_origin_get_send_fixed.py.
import numpy as np
from mpi4py import MPI

N = 4
comm = MPI.COMM_WORLD
rank = comm.Get_rank()

vals = np.arange(N, dtype='i') + rank * 10
win = MPI.Win.Create(vals, disp_unit=vals.itemsize, comm=comm)

block = np.zeros(N, dtype='i')
win.Fence(MPI.MODE_NOPRECEDE)
if rank == 0:
    win.Get(block, 1, target=0)  # @get
    comm.Send(block, dest=2, tag=0)   # @send BUG: the Get is complete only after the fence
elif rank == 2:
    comm.Recv(block, source=0, tag=0)
win.Fence(MPI.MODE_NOSUCCEED)

if rank == 2:
    print(f"race_origin_get_send_bug.py: received {block}")
win.Free()
