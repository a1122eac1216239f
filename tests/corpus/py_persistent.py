# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a persistent halo exchange on a non-periodic line. The
# Send_init/Recv_init requests are made once (the end ranks' outer ones on
# MPI.PROC_NULL), started with Prequest.Startall and completed with
# Request.Waitall every step, and freed at the end.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
left = rank - 1 if rank > 0 else MPI.PROC_NULL
right = rank + 1 if rank < size - 1 else MPI.PROC_NULL
N = 6

u = np.zeros(N + 2, dtype='d')
u[1:N + 1] = rank
reqs = [
    comm.Recv_init(u[0:1], source=left, tag=1),
    comm.Recv_init(u[N + 1:N + 2], source=right, tag=0),
    comm.Send_init(u[1:2], dest=left, tag=0),
    comm.Send_init(u[N:N + 1], dest=right, tag=1),
]
for step in range(5):
    MPI.Prequest.Startall(reqs)
    MPI.Request.Waitall(reqs)
    if left != MPI.PROC_NULL and u[0] != left:
        print(f"py_persistent.py: rank {rank} left halo {u[0]}", file=sys.stderr)
        comm.Abort(1)
for r in reqs:
    r.Free()
if rank == 0:
    print("py_persistent.py: 5 steps ok")
