# Guarded pages benchmark, mpi4py side (run_guard_bench.sh): a numpy stencil
# computing on its window array between fence epochs.  guard_stencil.py CELLS STEPS
import sys
import time

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
n, steps = int(sys.argv[1]), int(sys.argv[2])
u = np.zeros(n + 2, dtype='d')
u[1:-1] = rank
win = MPI.Win.Create(u, disp_unit=u.itemsize, comm=comm)
comm.Barrier()
t0 = time.perf_counter()
for s in range(steps):
    win.Fence()
    if rank > 0:
        win.Put(u[1:2], rank - 1, target=n + 1)
    if rank < size - 1:
        win.Put(u[n:n + 1], rank + 1, target=0)
    win.Fence()
    u[1:-1] = 0.5 * (u[:-2] + u[2:])
t = time.perf_counter() - t0
if rank == 0:
    print(f"pystencil {t:.6f} s (checksum {u.sum():.1f})")
win.Free()
