# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a running maximum and a running sum on rank 0 with
# Get_accumulate: every rank fetches-and-maxes its value into slot 0 and
# fetches-and-adds into slot 1, concurrently in one fence epoch (same op per
# element, so atomic), then reads both with MPI.NO_OP in the next epoch.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()

acc = np.zeros(2, dtype='l')
win = MPI.Win.Create(acc, disp_unit=acc.itemsize, comm=comm)
mine = np.array([(rank * 37) % 11], dtype='l')
old = np.zeros(1, dtype='l')
old2 = np.zeros(1, dtype='l')
win.Fence(MPI.MODE_NOPRECEDE)
win.Get_accumulate(mine, old, 0, target=(0, 1, MPI.LONG), op=MPI.MAX)
win.Get_accumulate(mine, old2, 0, target=(1, 1, MPI.LONG), op=MPI.SUM)
win.Fence()
now = np.zeros(2, dtype='l')
dummy = np.zeros(2, dtype="l")   # ignored with NO_OP (mpi4py wants a buffer)
win.Get_accumulate(dummy, now, 0, target=(0, 2, MPI.LONG), op=MPI.NO_OP)
win.Fence(MPI.MODE_NOSUCCEED)

values = comm.allgather(int(mine[0]))
if int(now[0]) != max(values) or int(now[1]) != sum(values):
    print(f"py_get_accumulate.py: rank {rank} now {now} values {values}", file=sys.stderr)
    comm.Abort(1)
if rank == 0:
    print(f"py_get_accumulate.py: max {now[0]} sum {now[1]}")
win.Free()
