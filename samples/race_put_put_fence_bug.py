# rmacheck-sample: ranks=3 timeout=60
# rmacheck-expect: rma-conflict at=put,put2 ranks=0,2
# rmacheck-lint-expect: none
#
# mpi4py version of race_put_put_fence_bug.c: in one fence epoch rank 0 puts
# a 2-int header and rank 2 a 6-int payload into rank 1's message buffer, but
# the payload's displacement forgets to skip the header, so both Puts write
# bytes [0,8) of rank 1's window: a race. See race_put_put_fence_fixed.py.
import numpy as np
from mpi4py import MPI

HDR, LEN = 2, 6
comm = MPI.COMM_WORLD
rank = comm.Get_rank()

msg = np.zeros(HDR + LEN, dtype='i')
win = MPI.Win.Create(msg, disp_unit=msg.itemsize, comm=comm)

header = np.array([42, LEN], dtype='i')
payload = np.arange(100, 100 + LEN, dtype='i')

win.Fence(MPI.MODE_NOPRECEDE)
if rank == 0:
    win.Put(header, 1, target=0)  # @put
elif rank == 2:
    win.Put(payload, 1, target=0)   # @put2 BUG: should be target=HDR
win.Fence(MPI.MODE_NOSUCCEED)

if rank == 1:
    print(f"race_put_put_fence_bug.py: header {msg[:HDR]}, payload starts with {msg[HDR]}")
win.Free()
