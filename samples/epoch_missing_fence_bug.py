# rmacheck-sample: ranks=4 timeout=30 complete=false exit=1
# rmacheck-expect: missing-epoch at=put
# rmacheck-expect: mpi-error at=put
# rmacheck-expect: program-failed at=put
# rmacheck-lint-expect: missing-epoch at=put
#
# Every rank puts its block into its right neighbour's window, then "waits
# for the data" with a fence. The fence that opens the access epoch is
# missing, so the Put is outside any epoch. Open MPI returns MPI_ERR_RMA_SYNC,
# mpi4py raises MPI.Exception and `python -m mpi4py` aborts the job: the
# report explains the exception from the logs.
# Fixed twin: epoch_missing_fence_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
right, left = (rank + 1) % size, (rank - 1) % size

halo = np.zeros(4, dtype='d')
win = MPI.Win.Create(halo, disp_unit=halo.itemsize, comm=comm)

mine = np.full(4, rank, dtype='d')
# BUG: win.Fence(MPI.MODE_NOPRECEDE) is missing here
win.Put(mine, right)  # @put
win.Fence(MPI.MODE_NOSUCCEED)

if not np.all(halo == left):
    print(f"rank {rank}: halo {halo}")
win.Free()
