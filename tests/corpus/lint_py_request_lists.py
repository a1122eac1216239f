# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Corpus (lint): mpi4py requests kept in lists. Persistent sends and
# receives to both ring neighbours made once, started with
# Prequest.Startall and completed with Request.Waitall every step, freed in
# a loop; then nonblocking requests appended in a loop over the neighbours
# and completed by one Waitall; numpy-free buffers (array module).
from mpi4py import MPI
import array

STEPS = 3

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
left, right = (rank - 1) % size, (rank + 1) % size

out = array.array("d", [0.0])
from_left = array.array("d", [0.0])
from_right = array.array("d", [0.0])
reqs = [comm.Recv_init(from_left, left, 0), comm.Recv_init(from_right, right, 1),
        comm.Send_init(out, right, 0), comm.Send_init(out, left, 1)]
total = 0.0
for step in range(STEPS):
    out[0] = rank + step
    MPI.Prequest.Startall(reqs)
    MPI.Request.Waitall(reqs)
    total += from_left[0] + from_right[0]
for r in reqs:
    r.Free()

want = sum(left + s + right + s for s in range(STEPS))
if total != want:
    print(f"rank {rank}: total {total}, want {want}", flush=True)
    comm.Abort(1)

got = {}
pending = []
for peer in (left, right):
    got[peer] = array.array("i", [-1])
    pending.append(comm.Irecv(got[peer], peer, 5))
mine = array.array("i", [rank])
for peer in (left, right):
    pending.append(comm.Isend(mine, peer, 5))
MPI.Request.Waitall(pending)
if got[left][0] != left or got[right][0] != right:
    print(f"rank {rank}: got {got[left][0]} {got[right][0]}", flush=True)
    comm.Abort(1)
if rank == 0:
    print("lint_py_request_lists: ok")
