# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Passive-target counters on rank 0 from mpi4py: every rank adds its rank+1 to
# slot 0 with Accumulate under an exclusive lock, and draws a ticket from slot 1
# with Fetch_and_op under a shared lock (atomic, so concurrent draws are fine).
# Rank 0 reads its own window only under an exclusive lock on itself, after a
# barrier that follows everybody's unlock.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()

counters = np.zeros(2, dtype='i')   # [0]: sum of rank+1, [1]: next ticket
win = MPI.Win.Create(counters, disp_unit=counters.itemsize, comm=comm)

mine = np.array([rank + 1], dtype='i')
win.Lock(0, MPI.LOCK_EXCLUSIVE)
win.Accumulate(mine, 0, target=0, op=MPI.SUM)
win.Unlock(0)

one = np.ones(1, dtype='i')
ticket = np.zeros(1, dtype='i')
win.Lock(0, MPI.LOCK_SHARED)
win.Fetch_and_op(one, ticket, 0, 1, op=MPI.SUM)
win.Unlock(0)                        # ticket is valid from here on

tickets = comm.gather(int(ticket[0]), root=0)
comm.Barrier()
if rank == 0:
    win.Lock(0, MPI.LOCK_EXCLUSIVE)
    total, drawn = int(counters[0]), int(counters[1])
    win.Unlock(0)
    if total != size * (size + 1) // 2 or drawn != size or sorted(tickets) != list(range(size)):
        print(f"lock_counter.py: total={total} drawn={drawn} tickets={tickets}", file=sys.stderr)
        comm.Abort(1)

win.Free()
if rank == 0:
    print("lock_counter.py: OK")
