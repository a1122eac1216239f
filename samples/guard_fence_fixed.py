# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of guard_fence_bug.py: rank 1 prints its window array after the
# closing fence, when rank 0's Put is complete; between the epochs rank 1
# also computes on the array (numpy reads and writes it), which is allowed.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(10, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)

data = np.arange(10, dtype='i') * 3
for step in range(3):
    win.Fence()
    if rank == 0:
        win.Put(data + step, 1)
    win.Fence()
    if rank == 1:
        assert np.array_equal(buf, data + step), buf
        buf *= 2                      # between epochs: the array is rank 1's alone
        print(f"guard_fence_fixed.py: step {step}: {buf}")
win.Free()
