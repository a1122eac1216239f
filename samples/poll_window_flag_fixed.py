# rmacheck-sample: ranks=2 timeout=30
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of poll_window_flag_hang.py: rank 1 says it is ready first,
# rank 0 then puts the flag and completes it at rank 1 with Flush, and a
# barrier orders that flush before rank 1 reads its array (after Win.Sync).
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

flag = np.zeros(1, dtype='i')
win = MPI.Win.Create(flag, disp_unit=flag.itemsize, comm=comm)
comm.Barrier()
win.Lock_all()
if rank == 0:
    comm.recv(source=1, tag=0)
    win.Put(np.ones(1, dtype='i'), 1)
    win.Flush(1)
else:
    comm.send(True, dest=0, tag=0)
comm.Barrier()
if rank == 1:
    win.Sync()
    if flag[0] != 1:
        print(f"poll_window_flag_fixed.py: flag {flag[0]}, expected 1", file=sys.stderr)
        comm.Abort(1)
win.Unlock_all()
win.Free()
if rank == 0:
    print("poll_window_flag_fixed.py: OK")
