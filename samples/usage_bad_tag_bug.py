# rmacheck-sample: ranks=2 timeout=60 complete=false exit=1
# rmacheck-expect: invalid-arg at=init ranks=1
# rmacheck-expect: mpi-error at=init ranks=1
# rmacheck-expect: program-failed at=init
# rmacheck-lint-expect: none
#
# Two ranks exchange a value every step with persistent requests, tagged by
# direction: UP for 0 -> 1, DOWN for 1 -> 0, and DOWN was written as -UP.
# -1 is MPI_ANY_TAG, which only a receive may name: rank 1's Send_init is
# rejected (MPI_ERR_TAG), mpi4py raises, and `python -m mpi4py` aborts the
# job. Rank 0's Recv_init with tag -1 is a legal wildcard receive.
# Fixed twin: usage_bad_tag_fixed.py.
import numpy as np
from mpi4py import MPI

UP, DOWN = 1, -1  # BUG: DOWN must be a nonnegative tag

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
other = 1 - rank
send_tag, recv_tag = (UP, DOWN) if rank == 0 else (DOWN, UP)

out = np.full(1, float(rank))
inb = np.zeros(1)
reqs = [comm.Send_init(out, other, tag=send_tag),  # @init
        comm.Recv_init(inb, other, tag=recv_tag)]
for step in range(3):
    MPI.Prequest.Startall(reqs)
    MPI.Request.Waitall(reqs)
for r in reqs:
    r.Free()
