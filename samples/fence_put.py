# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# The fence-and-put example of an introductory mpi4py course, written
# correctly: every rank exposes a numpy array as a window, ALL ranks take part
# in both fences (Win_fence is collective), rank 0 puts its data into rank 1
# between them, and rank 1 reads the data only after the closing fence.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(10, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)

data = np.arange(10, dtype='i') * 3
win.Fence()
if rank == 0:
    win.Put(data, 1)        # target rank is the 2nd argument; displacement 0
win.Fence()                 # the Put is complete at rank 1 after this fence

if rank == 1 and not np.array_equal(buf, data):
    print(f"fence_put.py: rank 1 received {buf}, expected {data}", file=sys.stderr)
    comm.Abort(1)

win.Free()
if rank == 0:
    print("fence_put.py: OK")
