# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): request-based RMA. Each rank Rgets its right
# neighbour's value and waits (the data has arrived), then Rputs the
# incremented value back into the same element and waits on that request
# too; Flush makes the Rput complete at the target before the barrier.
# Rget-Wait-then-Put to the same bytes is MPI-3.1 Example 11.21.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
right = (rank + 1) % size

win = MPI.Win.Allocate(2 * 4, disp_unit=4, comm=comm)
mem = np.frombuffer(win.tomemory(), dtype='i')
mem[:] = [rank * 10, 0]
comm.Barrier()

win.Lock_all()
val = np.zeros(1, dtype='i')
req = win.Rget(val, right, target=(0, 1, MPI.INT))
req.Wait()
val += 1
req = win.Rput(val, right, target=(1, 1, MPI.INT))
req.Wait()
req = win.Rput(val, right, target=(0, 1, MPI.INT))
req.Wait()
win.Flush(right)
comm.Barrier()
win.Unlock_all()

left = (rank - 1) % size
if mem[1] != rank * 10 + 1 or mem[0] != rank * 10 + 1:
    print(f"py_rput_rget.py: rank {rank} mem {mem}", file=sys.stderr)
    comm.Abort(1)
if rank == 0:
    print("py_rput_rget.py: ok")
win.Free()
