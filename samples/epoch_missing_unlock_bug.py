# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: unclosed-epoch at=lock,free
# rmacheck-lint-expect: unclosed-epoch at=lock,free
#
# Every rank adds its rank to a total on rank 0 with Accumulate under a
# shared lock, but the Unlock is missing: each rank reaches Win_free with
# its passive-target epoch still open (and the Accumulate is not known to be
# complete at rank 0). Open MPI does not complain.
# Fixed twin: epoch_missing_unlock_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()

total = np.zeros(1, dtype='i')
win = MPI.Win.Create(total, disp_unit=total.itemsize, comm=comm)

mine = np.array([rank], dtype='i')
win.Lock(0, MPI.LOCK_SHARED)  # @lock
win.Accumulate(mine, 0, op=MPI.SUM)
# BUG: win.Unlock(0) is missing

comm.Barrier()
win.Free()  # @free
if rank == 0:
    print(f"epoch_missing_unlock_bug.py: total {total[0]} (expected {size * (size - 1) // 2})")
