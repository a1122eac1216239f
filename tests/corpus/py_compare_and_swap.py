# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): leader election with Compare_and_swap. Every rank tries to
# swap its rank into rank 0's "leader" word while it still holds -1; exactly
# one succeeds. A spin lock on a second word uses Compare_and_swap to take it
# and Fetch_and_op(REPLACE) to give it back (CAS counts as REPLACE), and the
# critical section bumps a counter with Accumulate(SUM).
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()

words = np.array([-1, 0, 0], dtype='i')   # leader, lock, counter
win = MPI.Win.Create(words, disp_unit=words.itemsize, comm=comm)
comm.Barrier()

me = np.array([rank], dtype='i')
nobody = np.array([-1], dtype='i')
old = np.zeros(1, dtype='i')
win.Lock_all()
win.Compare_and_swap(me, nobody, old, 0, 0)
win.Flush(0)
leader = int(old[0]) == -1

taken, free = np.array([1], dtype='i'), np.array([0], dtype='i')
one = np.ones(1, dtype='i')
for _ in range(3):
    while True:
        win.Compare_and_swap(taken, free, old, 0, 1)
        win.Flush(0)
        if int(old[0]) == 0:
            break
    win.Accumulate(one, 0, target=(2, 1, MPI.INT), op=MPI.SUM)
    win.Flush(0)
    win.Fetch_and_op(free, old, 0, 1, op=MPI.REPLACE)
    win.Flush(0)
win.Unlock_all()

leaders = comm.allreduce(1 if leader else 0, op=MPI.SUM)
comm.Barrier()
if leaders != 1 or (rank == 0 and int(words[2]) != 3 * size):
    print(f"py_compare_and_swap.py: {leaders} leaders, counter {words[2]}", file=sys.stderr)
    comm.Abort(1)
if rank == 0:
    print(f"py_compare_and_swap.py: leader {int(words[0])}, counter {int(words[2])}")
win.Free()
