# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a dynamic window. Every rank attaches a numpy array,
# publishes its address (MPI.Get_address + allgather), receives one value
# from each rank with Put inside Lock_all, and detaches after a barrier.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()

win = MPI.Win.Create_dynamic(comm=comm)
region = np.full(size, -1, dtype='i')
win.Attach(region)
addrs = comm.allgather(MPI.Get_address(region))

mine = np.array([rank * 7], dtype='i')
win.Lock_all()
for r in range(size):
    win.Put(mine, r, target=(addrs[r] + rank * region.itemsize, 1, MPI.INT))
win.Unlock_all()
comm.Barrier()

if list(region) != [r * 7 for r in range(size)]:
    print(f"py_dynamic_window.py: rank {rank} region {region}", file=sys.stderr)
    comm.Abort(1)
win.Detach(region)
comm.Barrier()
if rank == 0:
    print("py_dynamic_window.py: ok")
win.Free()
