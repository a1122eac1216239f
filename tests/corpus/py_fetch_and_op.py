# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a ticket dispenser. Every rank draws tickets from rank
# 0's counter with Fetch_and_op(SUM) under a shared lock, and peeks at it
# with Fetch_and_op(NO_OP); draws are atomic, so the tickets are distinct.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()

counter = np.zeros(1, dtype='i')
win = MPI.Win.Create(counter, disp_unit=counter.itemsize, comm=comm)
one = np.ones(1, dtype='i')
mine = []
for _ in range(5):
    t = np.zeros(1, dtype='i')
    win.Lock(0, MPI.LOCK_SHARED)
    win.Fetch_and_op(one, t, 0, 0, op=MPI.SUM)
    win.Unlock(0)
    mine.append(int(t[0]))
peek = np.zeros(1, dtype='i')
win.Lock(0, MPI.LOCK_SHARED)
win.Fetch_and_op(one, peek, 0, 0, op=MPI.NO_OP)   # the origin is ignored with NO_OP
win.Unlock(0)

every = sorted(x for part in comm.allgather(mine) for x in part)
if every != list(range(5 * size)) or int(peek[0]) < len(mine):
    print(f"py_fetch_and_op.py: tickets {every}", file=sys.stderr)
    comm.Abort(1)
if rank == 0:
    print(f"py_fetch_and_op.py: {len(every)} distinct tickets")
win.Free()
