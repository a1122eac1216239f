# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Every rank puts its block into its right neighbour's window inside a fence
# epoch: a fence opens it (nothing pending before: MODE_NOPRECEDE), a fence
# closes it (no RMA follows: MODE_NOSUCCEED).
# Fixed twin of epoch_missing_fence_bug.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
right, left = (rank + 1) % size, (rank - 1) % size

halo = np.zeros(4, dtype='d')
win = MPI.Win.Create(halo, disp_unit=halo.itemsize, comm=comm)

mine = np.full(4, rank, dtype='d')
win.Fence(MPI.MODE_NOPRECEDE)
win.Put(mine, right)
win.Fence(MPI.MODE_NOSUCCEED)

if not np.all(halo == left):
    print(f"rank {rank}: halo {halo}")
    comm.Abort(1)
win.Free()
if rank == 0:
    print("epoch_missing_fence_fixed.py: OK")
