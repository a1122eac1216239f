# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a 1-D heat equation with a fence-synchronized halo
# exchange. Each rank's numpy array (with two ghost cells) is the window;
# boundary cells are Put into the neighbours' ghosts; MPI.PROC_NULL at the
# ends of the line.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
left = rank - 1 if rank > 0 else MPI.PROC_NULL
right = rank + 1 if rank < size - 1 else MPI.PROC_NULL
N = 12

u = np.zeros(N + 2, dtype='d')
if rank == 0:
    u[0] = 100.0
win = MPI.Win.Create(u, disp_unit=u.itemsize, comm=comm)
win.Fence(MPI.MODE_NOPRECEDE)
for step in range(10):
    win.Put(u[1:2], left, target=(N + 1, 1, MPI.DOUBLE))
    win.Put(u[N:N + 1], right, target=(0, 1, MPI.DOUBLE))
    win.Fence()
    new = 0.5 * (u[:-2] + u[2:])
    win.Fence(MPI.MODE_NOPRECEDE)   # no RMA in the local update below
    u[1:N + 1] = new
    win.Fence()
win.Fence(MPI.MODE_NOSUCCEED)

total = comm.allreduce(float(u[1:N + 1].sum()), op=MPI.SUM)
if not total > 0:
    print(f"py_fence_halo.py: total {total}", file=sys.stderr)
    comm.Abort(1)
if rank == 0:
    print(f"py_fence_halo.py: heat {total:.3f}")
win.Free()
