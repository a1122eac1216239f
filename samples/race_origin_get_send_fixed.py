# rmacheck-sample: ranks=3 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of race_origin_get_send_bug.py: rank 0 fetches a block from rank
# 1's window with Get, the closing Fence completes the Get, and only then
# rank 0 forwards the block to rank 2 with Send.
import sys

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
    win.Get(block, 1, target=0)
win.Fence(MPI.MODE_NOSUCCEED)   # the Get is complete: block is readable
if rank == 0:
    comm.Send(block, dest=2, tag=0)
elif rank == 2:
    comm.Recv(block, source=0, tag=0)
    if not np.array_equal(block, np.arange(N, dtype='i') + 10):
        print(f"race_origin_get_send_fixed.py: received {block}", file=sys.stderr)
        comm.Abort(1)
    print("race_origin_get_send_fixed.py: OK")
win.Free()
