# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of usage_bad_tag_bug.py: both directions have nonnegative tags.
import numpy as np
from mpi4py import MPI

UP, DOWN = 1, 2

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
other = 1 - rank
send_tag, recv_tag = (UP, DOWN) if rank == 0 else (DOWN, UP)

out = np.full(1, float(rank))
inb = np.zeros(1)
reqs = [comm.Send_init(out, other, tag=send_tag),
        comm.Recv_init(inb, other, tag=recv_tag)]
for step in range(3):
    MPI.Prequest.Startall(reqs)
    MPI.Request.Waitall(reqs)
assert inb[0] == other, inb
for r in reqs:
    r.Free()
