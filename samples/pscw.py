# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Post/start/complete/wait from mpi4py, both directions of a star:
#   round 1: rank 0 exposes its window to all others (Post), each of them
#            opens an access epoch to rank 0 (Start) and puts its rank into
#            its own slot; rank 0 Waits, then reads the slots;
#   round 2: the others expose, rank 0 accesses all of them and puts a value
#            into each; they poll Test until the exposure epoch has ended.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()


def check(ok, what):
    if not ok:
        print(f"pscw.py: rank {rank}: {what}", file=sys.stderr)
        comm.Abort(1)


slots = np.full(size, -1, dtype='i')
win = MPI.Win.Create(slots, disp_unit=slots.itemsize, comm=comm)
world = comm.Get_group()
hub = world.Incl([0])
others = world.Excl([0])

if rank == 0:
    win.Post(others)
    win.Wait()
    check(list(slots[1:]) == [r * 10 for r in range(1, size)], f"round 1 slots {slots}")
else:
    win.Start(hub)
    value = np.array([rank * 10], dtype='i')
    win.Put(value, 0, target=rank)
    win.Complete()

if rank == 0:
    win.Start(others)
    values = np.arange(size, dtype='i') + 1000
    for r in range(1, size):
        win.Put(values[r:r + 1], r, target=0)
    win.Complete()
else:
    win.Post(hub)
    while not win.Test():
        pass
    check(slots[0] == 1000 + rank, f"round 2 slot {slots[0]}")

others.Free()
hub.Free()
world.Free()
win.Free()
if rank == 0:
    print("pscw.py: OK")
