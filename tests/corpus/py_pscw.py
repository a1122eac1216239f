# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a ring with post/start/complete/wait. Every rank exposes
# its window to its left neighbour, which Puts a value into it, while it
# accesses its right neighbour; the value is read after Wait().
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
left, right = (rank - 1) % size, (rank + 1) % size

buf = np.full(4, -1, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)
world = comm.Get_group()
from_left = world.Incl([left])
to_right = world.Incl([right])

for step in range(3):
    out = np.full(4, 10 * step + rank, dtype='i')
    win.Post(from_left)
    win.Start(to_right)
    win.Put(out, right)
    win.Complete()
    win.Wait()
    if buf[0] != 10 * step + left:
        print(f"py_pscw.py: rank {rank} step {step} got {buf}", file=sys.stderr)
        comm.Abort(1)
if rank == 0:
    print("py_pscw.py: ring ok")
from_left.Free()
to_right.Free()
world.Free()
win.Free()
