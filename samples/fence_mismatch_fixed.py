# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# The fence-and-put example of an introductory mpi4py course, written
# correctly: ranks 0 and 1 swap data, and ALL ranks call both fences
# (Win_fence is collective over the window's group), also those that move
# no data. Fixed twin of fence_mismatch_hang.py.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(10, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)

data = np.arange(10, dtype='i') * 3 + rank
win.Fence()
if rank < 2:
    win.Put(data, 1 - rank)  # ranks 0 and 1 swap their data
win.Fence()                  # every rank: the Puts are complete after it

if rank < 2 and not np.array_equal(buf, np.arange(10, dtype='i') * 3 + (1 - rank)):
    print(f"fence_mismatch_fixed.py: rank {rank} received {buf}", file=sys.stderr)
    comm.Abort(1)

win.Free()
if rank == 0:
    print("fence_mismatch_fixed.py: OK")
