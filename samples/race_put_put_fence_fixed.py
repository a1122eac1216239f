# rmacheck-sample: ranks=3 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of race_put_put_fence_bug.py: rank 0 puts the 2-int header at
# displacement 0 and rank 2 the 6-int payload at displacement HDR of rank 1's
# message buffer, in one fence epoch: the Puts write disjoint bytes.
import sys

import numpy as np
from mpi4py import MPI

HDR, LEN = 2, 6
comm = MPI.COMM_WORLD
rank = comm.Get_rank()

msg = np.zeros(HDR + LEN, dtype='i')
win = MPI.Win.Create(msg, disp_unit=msg.itemsize, comm=comm)

header = np.array([42, LEN], dtype='i')
payload = np.arange(100, 100 + LEN, dtype='i')

win.Fence(MPI.MODE_NOPRECEDE)
if rank == 0:
    win.Put(header, 1, target=0)
elif rank == 2:
    win.Put(payload, 1, target=HDR)
win.Fence(MPI.MODE_NOSUCCEED)

if rank == 1 and not (np.array_equal(msg[:HDR], header) and np.array_equal(msg[HDR:], payload)):
    print(f"race_put_put_fence_fixed.py: rank 1 holds {msg}", file=sys.stderr)
    comm.Abort(1)
win.Free()
if rank == 0:
    print("race_put_put_fence_fixed.py: OK")
