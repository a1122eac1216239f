# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Corpus (lint): an mpi4py module in the style of a small RMA library. The
# window is made by a factory function and handed to helpers: one runs a
# fence epoch, one an exclusive-lock update, and a context-manager-like
# pair opens and closes a shared lock in two functions. The root and the
# others take different branches that each call the same barrier. The
# window is freed once at the end; a failed check aborts every rank.
from mpi4py import MPI
import array

N = 4


def make_window(comm):
    buf = array.array("i", [0] * N)
    win = MPI.Win.Create(buf, MPI.INT.Get_size(), comm=comm)
    return win, buf


def shift_right(win, value, rank, size):
    out = array.array("i", [value])
    win.Fence()
    win.Put(out, (rank + 1) % size, 0)
    win.Fence()


def bump(win, owner, slot):
    one = array.array("i", [1])
    win.Lock(owner, MPI.LOCK_EXCLUSIVE)
    win.Accumulate(one, owner, slot, MPI.SUM)
    win.Unlock(owner)


def begin_read(win, owner):
    win.Lock(owner, MPI.LOCK_SHARED)


def end_read(win, owner):
    win.Unlock(owner)


def fail(comm, what):
    print(what, flush=True)
    comm.Abort(1)


comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
win, buf = make_window(comm)

shift_right(win, 10 + rank, rank, size)
if buf[0] != 10 + (rank + size - 1) % size:
    fail(comm, f"rank {rank}: shifted {buf[0]}")

bump(win, 0, 1)
comm.Barrier()

seen = array.array("i", [0])
if rank == 0:
    comm.Barrier()
else:
    begin_read(win, 0)
    win.Get(seen, 0, 1)
    end_read(win, 0)
    comm.Barrier()
if rank != 0 and seen[0] != size:
    fail(comm, f"rank {rank}: counter {seen[0]}")

win.Free()
if rank == 0:
    print("lint_py_window_helpers: ok")
