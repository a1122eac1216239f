# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: target-local-conflict at=put,print ranks=0,1
# rmacheck-lint-expect: none
#
# The fence-and-put example of the introductory mpi4py course (fence_put.py)
# with the classic mistake: rank 1 prints its window array before the
# closing fence, while rank 0's Put may still be landing in it. numpy reads
# the array in C code that no compiler instrumentation sees; run with
# --guard-memory, rmacheck sees the reads through the protected page.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(10, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)

data = np.arange(10, dtype='i') * 3
win.Fence()
if rank == 0:
    win.Put(data, 1)        # @put
if rank == 1:
    print(f"guard_fence_bug.py: rank 1 has {buf}")  # @print BUG: before the closing fence
win.Fence()
win.Free()
